import { parseDurationMs } from '@wbp/runner/duration';

/** `5h30m`, `90m`, `45s`, `1h`, or plain seconds → milliseconds; undefined when unreadable (contract/duration.mjs). */
export function parseDuration(text: string): number | undefined {
  return parseDurationMs(text);
}
