import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { OutputCorruptError } from './errors.js';
import { CsvSyntaxError, physicalRecords } from './physical-records.js';

/**
 * Streams the data records of an output file this package wrote, checking it the way
 * `openCsvAppender` does: exact header, the same column count on every line, and a final newline
 * (a missing one means the last record was cut short). Any deviation is an `OutputCorruptError`.
 * An empty file (created, then the process died before the header) yields nothing.
 *
 * Values come back exactly as stored, i.e. still neutralised (`'=…`) where the writer did that.
 */
export async function* readCsvRecords<const C extends string>(
  path: string,
  columns: readonly C[],
): AsyncGenerator<Record<C, string>> {
  const { size } = await stat(path);
  if (size === 0) return;
  if (!(await endsWithNewline(path, size))) {
    const lines = await countLines(path);
    throw new OutputCorruptError(path, lines, 'truncated_record', 'the last record does not end with a newline: it was cut short');
  }

  let header = true;
  try {
    for await (const { cells, line } of physicalRecords(createReadStream(path))) {
      if (header) {
        header = false;
        if (cells.length !== columns.length || cells.some((cell, i) => cell !== columns[i])) {
          throw new OutputCorruptError(path, line, 'header_mismatch', `header is "${cells.join(',')}", expected "${columns.join(',')}"`);
        }
        continue;
      }
      if (cells.length !== columns.length) {
        throw new OutputCorruptError(path, line, 'column_count', `record has ${cells.length} columns, expected ${columns.length}`);
      }
      const record = {} as Record<C, string>;
      columns.forEach((column, i) => {
        record[column] = cells[i] ?? '';
      });
      yield record;
    }
  } catch (err) {
    if (err instanceof CsvSyntaxError) {
      throw new OutputCorruptError(path, err.line, err.unterminated ? 'truncated_record' : 'malformed_csv', err.detail);
    }
    throw err;
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
