import { parse } from 'csv-parse';

/** A parsed CSV record and the physical line it starts on (1-based, header = line 1). */
export interface PhysicalRecord {
  cells: string[];
  line: number;
}

export interface PhysicalRecordsOptions {
  /** Accept `"` inside unquoted fields (`5" screen`) instead of failing the file. Default false. */
  relaxQuotes?: boolean;
  /** Skip records of one empty cell: empty lines (and a line holding only `""`). Default false (an empty line is then a 1-cell record). */
  skipEmptyLines?: boolean;
  /**
   * Fail with `CSV_MAX_RECORD_SIZE` as soon as one record holds more than this many bytes of
   * cell text, so an unclosed quote cannot buffer the rest of the file. Default: no limit.
   */
  maxRecordSize?: number;
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
 * Streams CSV records with their physical start line. Outside quotes every line break ends a
 * record, CRLF, LF or a lone CR alike, whatever the first line used: csv-parse would otherwise
 * settle on the first line's break and merge every line ending differently into one record.
 *
 * csv-parse's own `info.lines` counts a CRLF inside a quoted field as two lines, which puts every
 * later annotation on the wrong line of a Windows-saved file, so the lines are counted here from
 * the bytes: each record's end offset (`info.bytes`, BOM included) is mapped to the number of line
 * breaks before it, and the breaks inside the record's own fields are subtracted to get its first
 * line. A syntax error that leaves a record unfinished is placed on the line that record starts on.
 */
export async function* physicalRecords(
  source: AsyncIterable<Buffer | string>,
  options: PhysicalRecordsOptions = {},
): AsyncGenerator<PhysicalRecord> {
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
    record_delimiter: LINE_BREAKS,
    max_record_size: options.maxRecordSize ?? 0,
    // empty lines are skipped below, after their end has been noted: it is where the next record starts
    skip_empty_lines: false,
  });
  const skipEmptyLines = options.skipEmptyLines ?? false;
  let batch: PhysicalRecord[] = [];
  let failure: unknown;
  let lastEndLine = 0;
  let lastRecordEnd = 0;
  parser.on('data', ({ record, info }: { record: string[]; info: { bytes: number } }) => {
    lastRecordEnd = info.bytes;
    if (skipEmptyLines && record.length === 1 && record[0] === '') return;
    const { count, endsWithNewline } = newlines.countBefore(info.bytes);
    const endLine = endsWithNewline ? count : count + 1;
    let inner = 0;
    for (const cell of record) inner += countLineBreaks(cell);
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
      newlines.end();
      parser.end();
      await Promise.race([ended, new Promise<void>((resolve) => parser.once('error', () => resolve()))]);
    }
    if (batch.length > 0 && failure === undefined) yield take();
  } finally {
    if (failure === undefined && !parser.writableEnded) parser.destroy();
  }
  if (failure !== undefined) {
    if (isCsvParseError(failure)) {
      let line: number;
      if (UNFINISHED_RECORD.has(failure.code)) {
        // the record never ended: it starts right after the last one (blank lines are records here)
        line = newlines.countBefore(lastRecordEnd).count + 1;
      } else {
        // csv-parse's `bytes` points at or just before the bad character, which the byte-based
        // line index places exactly
        const bytes = (failure as { bytes?: unknown }).bytes;
        line = typeof bytes === 'number' && bytes > 0 ? newlines.countBefore(bytes - 1).count + 1 : lastEndLine + 1;
      }
      throw new CsvSyntaxError(line, failure.code, describeSyntaxError(failure.code, failure.message, options.maxRecordSize));
    }
    throw failure;
  }
}

/** Record delimiters, longest first so that a CRLF is one break, not a CR and an empty record. */
const LINE_BREAKS = ['\r\n', '\n', '\r'];
const LF = 0x0a;
const CR = 0x0d;

/** Errors where the parser gave up inside a record rather than at a bad character. */
const UNFINISHED_RECORD: ReadonlySet<string> = new Set(['CSV_QUOTE_NOT_CLOSED', 'CSV_MAX_RECORD_SIZE']);

/** Line breaks in a cell: each LF, and each CR not followed by an LF. */
function countLineBreaks(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  for (let i = text.indexOf('\r'); i !== -1; i = text.indexOf('\r', i + 1)) if (text.charCodeAt(i + 1) !== LF) n++;
  return n;
}

function isCsvParseError(err: unknown): err is Error & { code: string } {
  if (!(err instanceof Error)) return false;
  const { code } = err as Error & { code?: unknown };
  return typeof code === 'string' && code.startsWith('CSV_');
}

function describeSyntaxError(code: string, message: string, maxRecordSize: number | undefined): string {
  if (code === 'CSV_QUOTE_NOT_CLOSED') return 'a quoted field is never closed (the record starting here runs to the end of the file)';
  if (code === 'CSV_MAX_RECORD_SIZE')
    return `the record starting here is longer than ${maxRecordSize ?? 0} bytes: a quote opened in it is most likely never closed`;
  if (code === 'CSV_INVALID_CLOSING_QUOTE')
    return 'a quoted field is followed by text before the next comma (quote it whole, doubling inner quotes)';
  return message.replace(/ at line \d+.*$/, '');
}

/**
 * Records where every line break ends (the offset of its last byte: the LF of a CRLF or LF, or a
 * lone CR) as chunks arrive. Offsets already behind the parser are dropped as it advances, so
 * memory stays flat however long the file is.
 */
class NewlineIndex {
  #offsets: number[] = [];
  #consumed = 0; // breaks dropped from the front of #offsets
  #cursor = 0;
  #bytes = 0;
  #pendingCr = false; // the last chunk ended with a CR: a break of its own unless an LF follows

  add(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.#pendingCr && chunk[0] !== LF) this.#offsets.push(this.#bytes - 1);
    this.#pendingCr = false;
    let lf = chunk.indexOf(LF);
    let cr = chunk.indexOf(CR);
    while (lf !== -1 || cr !== -1) {
      if (cr !== -1 && (lf === -1 || cr < lf)) {
        if (cr === chunk.length - 1) this.#pendingCr = true;
        else if (chunk[cr + 1] !== LF) this.#offsets.push(this.#bytes + cr);
        cr = chunk.indexOf(CR, cr + 1);
      } else {
        this.#offsets.push(this.#bytes + lf);
        lf = chunk.indexOf(LF, lf + 1);
      }
    }
    this.#bytes += chunk.length;
  }

  /** The input is over: a CR that ended it is a line break. */
  end(): void {
    if (this.#pendingCr) this.#offsets.push(this.#bytes - 1);
    this.#pendingCr = false;
  }

  /** Line breaks ending at offsets < `end`, and whether one ends just before `end`. */
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
