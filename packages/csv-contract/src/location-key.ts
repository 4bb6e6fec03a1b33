/**
 * How location keys and names compare everywhere in the contract: trimmed and lower-cased, as the
 * executor matches them (Webex location names are case-insensitive).
 */
export function foldLocationKey(value: string): string {
  return value.trim().toLowerCase();
}
