import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { CsvSyntaxError, formatCsvLine, physicalRecords } from '@wbp/writers';
import { CANONICAL_COLUMNS, READY_COLUMNS, type CanonicalColumn, type ReadyRow } from './columns.js';
import { CsvFileError } from './errors.js';
import { formatIssue } from './reasons.js';
import { validateRecord, type NormalisedRow } from './validate-row.js';

/**
 * Streams ready_to_load.csv as `ReadyRow`s in file order. The file is the executor's only input,
 * so it is checked as strictly as an output: exact header, column counts, increasing row ids, and
 * every row must still validate and already be in normal form (a hand edit shows up here as a
 * `CsvFileError`, not as a half-run).
 */
export async function* readReadyRows(path: string): AsyncGenerator<ReadyRow> {
  let header = true;
  let lastRowId = 0;
  let source;
  try {
    source = createReadStream(path);
    for await (const { cells, line } of physicalRecords(source)) {
      if (header) {
        header = false;
        if (cells.join(',') !== READY_COLUMNS.join(',')) {
          throw new CsvFileError(path, 'not_a_ready_file', `header is not the ready_to_load.csv header (${READY_COLUMNS.length} columns starting with row_id)`, line);
        }
        continue;
      }
      if (cells.length !== READY_COLUMNS.length) {
        throw new CsvFileError(path, 'not_a_ready_file', `record has ${cells.length} columns, expected ${READY_COLUMNS.length}`, line);
      }
      const [rowIdText = '', ...values] = cells;
      const rowId = /^[1-9]\d{0,9}$/.test(rowIdText) ? Number(rowIdText) : NaN;
      if (!(rowId > lastRowId)) {
        throw new CsvFileError(path, 'not_a_ready_file', `row_id ${JSON.stringify(rowIdText)} is not a positive integer greater than the previous one (${lastRowId})`, line);
      }
      lastRowId = rowId;
      const stored = {} as NormalisedRow;
      CANONICAL_COLUMNS.forEach((column, i) => {
        stored[column] = values[i] ?? '';
      });
      const verdict = validateRecord(stored);
      if (!verdict.ok) {
        throw new CsvFileError(path, 'not_a_ready_file', `row ${rowId} no longer validates: ${verdict.issues.map(formatIssue).join('; ')}`, line);
      }
      const changed = CANONICAL_COLUMNS.find((column) => verdict.row[column] !== stored[column]);
      if (changed) {
        throw new CsvFileError(path, 'not_a_ready_file', `row ${rowId} is not normalised (column ${changed}); regenerate the file with wbp validate`, line);
      }
      yield { row_id: rowId, ...stored };
    }
  } catch (err) {
    if (err instanceof CsvSyntaxError) throw new CsvFileError(path, 'not_a_ready_file', err.detail, err.line);
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'EISDIR') {
      throw new CsvFileError(path, 'unreadable', (err as Error).message);
    }
    throw err;
  } finally {
    source?.destroy();
  }
  if (header) throw new CsvFileError(path, 'not_a_ready_file', 'the file is empty (no header)');
}

/**
 * Writes ready_to_load.csv as plain RFC 4180 CSV: no formula neutralisation, because the
 * executor must read back exactly the normalised values (an engineer never edits this file).
 * Rows are written in batches; one write per row costs more than validating it.
 */
export class ReadyFileWriter {
  static readonly BATCH = 1000;
  readonly #file: WriteStream;
  readonly #path: string;
  #batch = `${formatCsvLine(READY_COLUMNS)}`;
  #rows = 0;
  #failure: Error | undefined;

  constructor(path: string) {
    this.#path = path;
    this.#file = createWriteStream(path, { flags: 'wx' });
    this.#file.on('error', (err) => {
      this.#failure ??= err;
    });
  }

  /** Queues a row; returns a promise only when the caller should wait (a full batch met backpressure). */
  write(rowId: number, row: Readonly<Record<CanonicalColumn, string>>): Promise<void> | undefined {
    if (this.#failure) return Promise.reject(this.#failure);
    const record: string[] = [String(rowId)];
    for (const column of CANONICAL_COLUMNS) record.push(row[column]);
    this.#batch += formatCsvLine(record);
    return ++this.#rows % ReadyFileWriter.BATCH === 0 ? this.#flush() : undefined;
  }

  /** Flushes, fsyncs and closes the file. */
  async close(): Promise<void> {
    await this.#flush();
    await new Promise<void>((resolve, reject) => {
      this.#file.end((err?: Error | null) => (err ? reject(err) : resolve()));
    });
    if (this.#failure) throw this.#failure;
    const handle = await open(this.#path, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  destroy(): void {
    this.#file.destroy();
  }

  #flush(): Promise<void> {
    // the header starts the first batch, so even a file with no ready row has it
    const text = this.#batch;
    this.#batch = '';
    if (text === '' || this.#file.write(text)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.#file.once('error', onError);
      this.#file.once('drain', () => {
        this.#file.off('error', onError);
        resolve();
      });
    });
  }
}
