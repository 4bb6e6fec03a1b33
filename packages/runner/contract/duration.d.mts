/** `5h30m`, `90m`, `45s`, `1h`, or plain seconds → whole seconds; undefined when unreadable. */
export declare function parseDurationSeconds(text: string): number | undefined;
/** The same in milliseconds. */
export declare function parseDurationMs(text: string): number | undefined;
