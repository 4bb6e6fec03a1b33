/**
 * The three human-facing outputs of a run: the term sheet's columns (§12.1–12.3) in that order;
 * they are minimum columns, so wbp's own are only ever added at the end. Resume, the executor and
 * every check read these files by column name, so the order is part of the contract: change it
 * and existing outputs stop verifying.
 */

/** rejected_rows.csv (§12.1): rows refused before any API call. */
export const REJECTED_COLUMNS = [
  'timestamp',
  'row_id',
  'entity_type',
  'entity_key',
  'reason_code',
  'reason_message',
  'raw_row_minified',
] as const;

/** What results.csv and pending_rows.csv lines both start with: when, which row, and where in its run it stood. */
const EXECUTION_LINE_COLUMNS = ['timestamp', 'batch_id', 'row_id', 'phase', 'entity_type', 'entity_key', 'step'] as const;

/**
 * results.csv (§12.2): one line per row's final outcome in its phase (`status` success | pending),
 * per attempt. `effect` (wbp's): what a success row did to the org, `created` | `changed` |
 * `unchanged` (already as the CSV asks); empty on pending lines.
 */
export const RESULTS_COLUMNS = [
  ...EXECUTION_LINE_COLUMNS,
  'status',
  'http_status',
  'message',
  'remote_id',
  'effect',
  // Added: which attempt of the run wrote the line (1, then 2, 3 … for each re-run of the pending rows).
  'attempt',
] as const;

/** pending_rows.csv (§12.3): rows that failed during execution or are out of scope. */
export const PENDING_COLUMNS = [
  ...EXECUTION_LINE_COLUMNS,
  'reason_code',
  'reason_message',
  'http_status',
  'raw_row_minified',
  // Added: as results.csv's, the attempt that wrote the line.
  'attempt',
] as const;

export type RejectedColumn = (typeof REJECTED_COLUMNS)[number];
export type ResultsColumn = (typeof RESULTS_COLUMNS)[number];
export type PendingColumn = (typeof PENDING_COLUMNS)[number];

/** What a caller may put in a cell; `null`/`undefined` are written as an empty cell. */
export type CsvCell = string | number | boolean | null | undefined;

/** One record to append: every column named, so a forgotten column is a compile error. */
export type CsvRecord<C extends string> = { readonly [K in C]: CsvCell };

export type RejectedRecord = CsvRecord<RejectedColumn>;
export type ResultsRecord = CsvRecord<ResultsColumn>;
export type PendingRecord = CsvRecord<PendingColumn>;
