/**
 * How Webex compares location names: trimmed, case-insensitive (a second location whose name
 * differs only in case is a conflict). The simulator keeps its own copy on purpose, rather than
 * importing wbp's `foldLocationKey` from `@wbp/csv-contract`: it stands for Webex, and a change to
 * how wbp folds keys must show up in the tests as a disagreement with Webex, not be mirrored by it.
 */
export function foldLocationName(name: string): string {
  return name.trim().toLowerCase();
}
