import { parse } from 'csv-parse';

/** A parsed CSV record and the physical line it starts on (1-based, header = line 1). */
export interface PhysicalRecord {
  cells: string[];
  line: number;
}

export interface PhysicalRecordsOptions {
  /** Accept `"` inside unquoted fields (`5" screen`) instead of failing the file. Default false. */
  relaxQuotes?: boolean;
  /** Skip lines that are completely empty. Default false (an empty line is then a 1-cell record). */
  skipEmptyLines?: boolean;
  /** Sees every raw chunk before parsing, e.g. to hash the file while it streams. A throw stops the iteration with that error. */
  onChunk?: (chunk: Buffer) => void;
}

/** A CSV syntax error (unclosed quote, bad quoting) with the line the broken record starts on. */
export class CsvSyntaxError extends Error {
  override name = 'CsvSyntaxError';
  readonly line: number;
  readonly code: string;
  /** True when the input ended inside a quoted field: the last record is cut short. */
  readonly unterminated: boolean;
  /** The message without the `line N:` prefix. */
  readonly detail: string;

  constructor(line: number, code: string, detail: string) {
    super(`line ${line}: ${detail}`);
    this.line = line;
    this.code = code;
    this.detail = detail;
    this.unterminated = code === 'CSV_QUOTE_NOT_CLOSED';
  }
}

/**
 * Streams CSV records with their physical start line. csv-parse's own `info.lines` counts a CRLF
 * inside a quoted field as two lines, which puts every later annotation on the wrong line of a
 * Windows-saved file, so the lines are counted here from the bytes: each record's end offset
 * (`info.bytes`, BOM included) is mapped to the number of LF bytes before it, and the LFs inside
 * the record's own fields are subtracted to get its first line.
 */
export async function* physicalRecords(source: AsyncIterable<Buffer | string>, options: PhysicalRecordsOptions = {}): AsyncGenerator<PhysicalRecord> {
  for await (const batch of physicalRecordBatches(source, options)) yield* batch;
}

/**
 * The same records, handed over one input chunk at a time. The parser is driven by hand rather
 * than iterated as a stream: a stream's async iterator costs more per record than validating it.
 */
export async function* physicalRecordBatches(
  source: AsyncIterable<Buffer | string>,
  options: PhysicalRecordsOptions = {},
): AsyncGenerator<PhysicalRecord[]> {
  const newlines = new NewlineIndex();
  const parser = parse({
    bom: true,
    info: true,
    relax_column_count: true,
    relax_quotes: options.relaxQuotes ?? false,
    skip_empty_lines: options.skipEmptyLines ?? false,
  });
  let batch: PhysicalRecord[] = [];
  let failure: unknown;
  let lastEndLine = 0;
  parser.on('data', ({ record, info }: { record: string[]; info: { bytes: number } }) => {
    const { count, endsWithNewline } = newlines.countBefore(info.bytes);
    const endLine = endsWithNewline ? count : count + 1;
    let inner = 0;
    for (const cell of record) inner += countNewlines(cell);
    lastEndLine = endLine;
    batch.push({ cells: record, line: endLine - inner });
  });
  parser.on('error', (err) => {
    failure ??= err;
  });
  const ended = new Promise<void>((resolve) => parser.once('end', resolve));

  const take = (): PhysicalRecord[] => {
    const out = batch;
    batch = [];
    return out;
  };
  try {
    for await (const piece of source) {
      const chunk = typeof piece === 'string' ? Buffer.from(piece) : piece;
      options.onChunk?.(chunk);
      newlines.add(chunk);
      await new Promise<void>((resolve) => parser.write(chunk, () => resolve()));
      if (failure !== undefined) break;
      if (batch.length > 0) yield take();
    }
    if (failure === undefined) {
      parser.end();
      await Promise.race([ended, new Promise<void>((resolve) => parser.once('error', () => resolve()))]);
    }
    if (batch.length > 0 && failure === undefined) yield take();
  } finally {
    if (failure === undefined && !parser.writableEnded) parser.destroy();
  }
  if (failure !== undefined) {
    if (isCsvParseError(failure)) {
      // csv-parse's `bytes` points just past the start of the broken record (or at the bad
      // character), which the byte-based line index places exactly
      const bytes = (failure as { bytes?: unknown }).bytes;
      const line = typeof bytes === 'number' && bytes > 0 ? newlines.countBefore(bytes - 1).count + 1 : lastEndLine + 1;
      throw new CsvSyntaxError(line, failure.code, describeSyntaxError(failure.code, failure.message));
    }
    throw failure;
  }
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function isCsvParseError(err: unknown): err is Error & { code: string } {
  if (!(err instanceof Error)) return false;
  const { code } = err as Error & { code?: unknown };
  return typeof code === 'string' && code.startsWith('CSV_');
}

function describeSyntaxError(code: string, message: string): string {
  if (code === 'CSV_QUOTE_NOT_CLOSED') return 'a quoted field is never closed (the record starting here runs to the end of the file)';
  if (code === 'CSV_INVALID_CLOSING_QUOTE') return 'a quoted field is followed by text before the next comma (quote it whole, doubling inner quotes)';
  return message.replace(/ at line \d+.*$/, '');
}

/**
 * Records the byte offset of every LF as chunks arrive. Offsets already behind the parser are
 * dropped as it advances, so memory stays flat however long the file is.
 */
class NewlineIndex {
  #offsets: number[] = [];
  #consumed = 0; // LFs dropped from the front of #offsets
  #cursor = 0;
  #bytes = 0;

  add(chunk: Buffer): void {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) this.#offsets.push(this.#bytes + i);
    this.#bytes += chunk.length;
  }

  /** LFs at offsets < `end`, and whether the byte just before `end` is one. */
  countBefore(end: number): { count: number; endsWithNewline: boolean } {
    const offsets = this.#offsets;
    while (this.#cursor < offsets.length && (offsets[this.#cursor] ?? Infinity) < end) this.#cursor++;
    const endsWithNewline = this.#cursor > 0 && offsets[this.#cursor - 1] === end - 1;
    const count = this.#consumed + this.#cursor;
    if (this.#cursor > 4096) {
      // keep the last one: endsWithNewline of the next call may look at it
      this.#offsets = offsets.slice(this.#cursor - 1);
      this.#consumed += this.#cursor - 1;
      this.#cursor = 1;
    }
    return { count, endsWithNewline };
  }
}
