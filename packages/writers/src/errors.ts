/** What is wrong with an existing output file. */
export type CorruptionKind =
  | 'header_mismatch'
  | 'column_count'
  | 'truncated_record'
  | 'malformed_csv';

/**
 * An existing output file is not exactly what this package would have written. The term sheet
 * (§12.5) forbids continuing over corrupt outputs, so nothing is repaired: the run stops and a
 * person decides (usually: move the file aside, or cut the torn last line after checking the
 * checkpoint).
 */
export class OutputCorruptError extends Error {
  override name = 'OutputCorruptError';
  readonly file: string;
  /** 1-based physical line of the problem (the header is line 1). */
  readonly line: number;
  readonly kind: CorruptionKind;
  readonly detail: string;

  constructor(file: string, line: number, kind: CorruptionKind, detail: string) {
    super(`${file}:${line}: ${detail} (${kind}); refusing to use a corrupt output file, it is never repaired automatically`);
    this.file = file;
    this.line = line;
    this.kind = kind;
    this.detail = detail;
  }
}
