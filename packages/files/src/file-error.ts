/** Where and what: the four fields every file error of wbp carries, whatever the file. */
export interface FileErrorFields<K extends string> {
  /** The file the problem is in (as given to the reader or writer). */
  file: string;
  /** 1-based physical line (a CSV's header is line 1); undefined when it is the file as a whole. */
  line: number | undefined;
  /** What is wrong, as a closed set per error class: callers switch on it, people read `detail`. */
  kind: K;
  /** What is wrong and, where there is one, what to do, without the `file:line:` prefix. */
  detail: string;
}

/**
 * The one shape of an error about a file wbp reads or writes: `{ file, line, kind, detail }`.
 * Every such class (a CSV that cannot be validated, a corrupt output, a corrupt checkpoint or
 * manifest, a locked or foreign output folder) extends this, so a caller annotating a file
 * (GitHub annotations, the run log, exit-status mapping) handles them all alike. Each subclass
 * writes its own message, since those are what operators and the docs quote.
 */
export abstract class FileError<K extends string> extends Error implements FileErrorFields<K> {
  readonly file: string;
  readonly line: number | undefined;
  readonly kind: K;
  readonly detail: string;

  protected constructor(message: string, fields: FileErrorFields<K>, options?: { cause?: unknown }) {
    super(message, options);
    this.file = fields.file;
    this.line = fields.line;
    this.kind = fields.kind;
    this.detail = fields.detail;
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message, file: this.file, line: this.line, kind: this.kind, detail: this.detail };
  }
}
