import { FileError } from './file-error.js';

/** What is wrong with an existing output file (or with the set of them). */
export type CorruptionKind =
  | 'header_mismatch'
  | 'column_count'
  | 'truncated_record'
  | 'malformed_csv'
  /** Windows (CRLF) line endings: the file was re-saved by Excel or an editor. */
  | 'line_endings'
  /** Not byte for byte what was written (quoting, byte-order mark): re-saved by another program. */
  | 'reformatted'
  /** A symbolic link (or a directory…) where an output file should be: writes would go elsewhere. */
  | 'not_a_regular_file'
  /** An output file the other outputs say must exist is gone. */
  | 'missing_file'
  /** The same row_id twice, where a row has exactly one line. */
  | 'duplicate_row'
  /** A line that cannot be one this run wrote: unknown row_id, status, phase or entity. */
  | 'foreign_line'
  /** checkpoint.json claims rows as done that have no results line. */
  | 'checkpoint_ahead'
  /** A results line with status pending has no pending_rows.csv line. */
  | 'missing_pending'
  /** ready_to_load.csv or rejected_rows.csv is not what validation wrote (manifest.json). */
  | 'manifest_mismatch';

/**
 * An existing output file is not exactly what this package would have written. The term sheet
 * (§12.5) forbids continuing over corrupt outputs, so nothing is repaired: the run stops and a
 * person decides (usually: move the file aside, or cut the torn last line after checking the
 * checkpoint). `detail` says what is wrong and, where there is one, what to do.
 */
export class OutputCorruptError extends FileError<CorruptionKind> {
  override name = 'OutputCorruptError';

  constructor(file: string, line: number | undefined, kind: CorruptionKind, detail: string) {
    super(
      `${file}${line === undefined ? '' : `:${line}`}: ${detail} (${kind}); refusing to use a corrupt output file, it is never repaired automatically`,
      { file, line, kind, detail },
    );
  }
}
