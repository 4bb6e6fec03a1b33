import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { CsvError } from 'csv-parse';
import { formatCsvLine } from './csv-line.js';
import { OutputCorruptError } from './errors.js';
import { CsvSyntaxError, physicalRecords } from './physical-records.js';

/**
 * Streams the data records of an output file this package wrote, checking it the way
 * `openCsvAppender` does: exact header, the same column count on every line, a final newline
 * (a missing one means the last record was cut short), and every line byte for byte as
 * `formatCsvLine` writes it — so a file re-saved by Excel (CRLF line endings, a byte-order mark,
 * other quoting) is refused here, before anything is appended to it, rather than half-accepted.
 * Any deviation, and any CSV syntax error, is an `OutputCorruptError`. An empty file (created,
 * then the process died before the header) yields nothing.
 *
 * Values come back exactly as stored, i.e. still neutralised (`'=…`) where the writer did that.
 */
export async function* readCsvRecords<const C extends string>(path: string, columns: readonly C[]): AsyncGenerator<Record<C, string>> {
  for await (const { record } of readCsvLines(path, columns)) yield record;
}

/** `readCsvRecords` with the physical line each record starts on (header = line 1), for messages. */
export async function* readCsvLines<const C extends string>(
  path: string,
  columns: readonly C[],
): AsyncGenerator<{ record: Record<C, string>; line: number }> {
  const { size } = await stat(path);
  if (size === 0) return;
  if (!(await endsWithNewline(path, size))) {
    const lines = await countLines(path);
    throw new OutputCorruptError(path, lines, 'truncated_record', 'the last record does not end with a newline: it was cut short');
  }

  const raw = new RawBytes();
  let header = true;
  try {
    for await (const { cells, line } of physicalRecords(createReadStream(path), { onChunk: (chunk) => raw.push(chunk) })) {
      if (header) {
        header = false;
        if (cells.length !== columns.length || cells.some((cell, i) => cell !== columns[i])) {
          throw new OutputCorruptError(path, line, 'header_mismatch', `header is "${cells.join(',')}", expected "${columns.join(',')}"`);
        }
        raw.expect(path, line, cells);
        continue;
      }
      if (cells.length !== columns.length) {
        throw new OutputCorruptError(path, line, 'column_count', `record has ${cells.length} columns, expected ${columns.length}`);
      }
      raw.expect(path, line, cells);
      const record = {} as Record<C, string>;
      columns.forEach((column, i) => {
        record[column] = cells[i] ?? '';
      });
      yield { record, line };
    }
  } catch (err) {
    if (err instanceof CsvSyntaxError) {
      throw new OutputCorruptError(path, err.line, err.unterminated ? 'truncated_record' : 'malformed_csv', err.detail);
    }
    // csv-parse errors physicalRecords does not translate (INVALID_OPENING_QUOTE has no CSV_
    // prefix): still a file that is not what was written, not an internal error.
    if (err instanceof CsvError) {
      const line = typeof err.lines === 'number' && err.lines > 0 ? err.lines : undefined;
      throw new OutputCorruptError(path, line, 'malformed_csv', `${err.message.replace(/ at line \d+/, '')} [${err.code}]`);
    }
    throw err;
  }
}

const CRLF_DETAIL =
  'the file has Windows (CRLF) line endings: it was re-saved by Excel or an editor, and lines appended now would mix line endings. Put back the file as wbp wrote it (a copy, or the run artifact), or start a new --out folder';
const REFORMATTED_DETAIL =
  'this line is not byte for byte what wbp wrote (byte-order mark, quoting or line endings differ): the file was re-saved by another program. Put back the file as wbp wrote it (a copy, or the run artifact), or start a new --out folder';
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * The file's bytes as they stream past the parser, so each parsed record can be compared with
 * what `formatCsvLine` makes of its cells. The parser gets each chunk only after `push`, so the
 * bytes of a record are always here by the time the record is.
 */
class RawBytes {
  #bytes: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): void {
    this.#bytes = this.#bytes.length === 0 ? chunk : Buffer.concat([this.#bytes, chunk]);
  }

  /** Consumes the record's bytes; throws unless they are exactly the canonical line for `cells`. */
  expect(path: string, line: number, cells: readonly string[]): void {
    const expected = Buffer.from(formatCsvLine(cells));
    const actual = this.#bytes.subarray(0, expected.length);
    if (actual.equals(expected)) {
      this.#bytes = this.#bytes.subarray(expected.length);
      return;
    }
    // Excel's "CSV UTF-8" adds a byte-order mark as well as CRLFs; name what is there.
    const bom = this.#bytes.subarray(0, BOM.length).equals(BOM) ? BOM.length : 0;
    const crlf = Buffer.concat([expected.subarray(0, expected.length - 1), Buffer.from('\r\n')]);
    // A CRLF on a later line than the first parses as a CR ending the last cell (the parser took
    // LF as the line ending from the first line); wbp would have quoted such a cell.
    const withCrlf = this.#bytes.subarray(bom, bom + crlf.length).equals(crlf) || (cells.at(-1) ?? '').endsWith('\r');
    const mark = bom ? 'it starts with a byte-order mark; ' : '';
    if (withCrlf) throw new OutputCorruptError(path, line, 'line_endings', `${mark}${CRLF_DETAIL}`);
    throw new OutputCorruptError(path, line, 'reformatted', `${mark}${REFORMATTED_DETAIL}`);
  }
}

async function endsWithNewline(path: string, size: number): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const { buffer } = await fh.read(Buffer.alloc(1), 0, 1, size - 1);
    return buffer[0] === 10;
  } finally {
    await fh.close();
  }
}

async function countLines(path: string): Promise<number> {
  let lines = 1;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
  }
  return lines;
}
