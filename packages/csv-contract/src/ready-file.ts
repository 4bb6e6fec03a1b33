import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, type ReadStream, type WriteStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { CsvSyntaxError, formatCsvLine, physicalRecords, writtenRecords } from '@wbp/files';
import { CANONICAL_COLUMNS, READY_COLUMNS, type CanonicalColumn, type EntityType, type ReadyRow } from './columns.js';
import { CsvFileError } from './errors.js';
import { formatIssue } from './reasons.js';
import { validateRecord, type NormalisedRow } from './validate-row.js';

/**
 * Streams ready_to_load.csv as `ReadyRow`s in file order. The file is the executor's only input,
 * so it is checked as strictly as an output: exact header, column counts, increasing row ids, and
 * every row must still validate and already be in normal form (a hand edit shows up here as a
 * `CsvFileError`, not as a half-run). Reads and validates the file on every call; `wbp run`
 * reads it once instead, as a `ReadyFile`.
 */
export async function* readReadyRows(path: string): AsyncGenerator<ReadyRow> {
  let header = true;
  let lastRowId = 0;
  let source: ReadStream | undefined;
  try {
    source = createReadStream(path);
    for await (const { cells, line } of physicalRecords(source)) {
      if (header) {
        header = false;
        checkHeader(path, cells, line);
        continue;
      }
      const row = readyRow(path, cells, line, lastRowId);
      lastRowId = row.row_id;
      checkStillValid(path, row, line);
      yield row;
    }
  } catch (err) {
    if (err instanceof CsvSyntaxError) throw new CsvFileError(path, 'not_a_ready_file', err.detail, err.line);
    throw unreadable(path, err);
  } finally {
    source?.destroy();
  }
  if (header) throw new CsvFileError(path, 'not_a_ready_file', 'the file is empty (no header)');
}

export interface ReadyRowsOptions {
  /**
   * Validate every row again and check it is in normal form, as `readReadyRows` does (default
   * true). Pass false only for bytes whose sha256 was just checked against the one recorded when
   * validation wrote the file (manifest.json): they are then byte for byte what validation wrote,
   * so validating them again proves nothing. The structure is checked either way.
   */
  validate?: boolean;
  /** Only the rows of this entity type; the others are skipped without building (or validating) a row. */
  entityType?: EntityType;
}

/**
 * ready_to_load.csv read once, as bytes held in memory (a Buffer, off the V8 heap, as large as
 * the file: ~105 bytes a row, 2.2 MB for 21,000 rows) with the sha256 of exactly those bytes.
 * Every pass parses the held bytes, never the file again, so what a run acts on is what was
 * hashed: a file edited on disk after `read` changes nothing in this run (and the next run's
 * check of the hash refuses it).
 *
 * The bytes must be as `ReadyFileWriter` writes them (the header, then one `formatCsvLine` record
 * per row: LF line ends, quotes only where a cell needs them, no byte-order mark), which a hash
 * that matches the manifest proves; that format is parsed here directly, much faster than a
 * general CSV parser, and anything else is a `CsvFileError` (`not_a_ready_file`). Each pass also
 * checks the header, the column count and increasing row ids.
 */
export class ReadyFile {
  readonly path: string;
  /** sha256 (hex) of the bytes held, i.e. of the file as it was read. */
  readonly sha256: string;
  readonly #bytes: Buffer;

  private constructor(path: string, bytes: Buffer) {
    this.path = path;
    this.#bytes = bytes;
    this.sha256 = createHash('sha256').update(bytes).digest('hex');
  }

  /** One read of the whole file. A missing file or a directory is a `CsvFileError` (`unreadable`). */
  static async read(path: string): Promise<ReadyFile> {
    try {
      return new ReadyFile(path, await readFile(path));
    } catch (err) {
      throw unreadable(path, err);
    }
  }

  /** Bytes held in memory. */
  get size(): number {
    return this.#bytes.length;
  }

  /** The rows in file order, parsed from the held bytes (see `ReadyRowsOptions`). */
  async *rows(options: ReadyRowsOptions = {}): AsyncGenerator<ReadyRow> {
    for (const { row } of this.records(options)) yield row;
  }

  /** `rows()` with the physical line each row starts on (header = line 1), synchronously. */
  *records(options: ReadyRowsOptions = {}): Generator<{ row: ReadyRow; line: number }> {
    const validate = options.validate ?? true;
    let header = true;
    let lastRowId = 0;
    const notWritten = (line: number, detail: string) =>
      new CsvFileError(
        this.path,
        'not_a_ready_file',
        `${detail}: not as wbp writes ready_to_load.csv; regenerate the file with wbp validate`,
        line,
      );
    for (const { cells, line } of writtenRecords(this.#bytes, notWritten)) {
      if (header) {
        header = false;
        checkHeader(this.path, cells, line);
        continue;
      }
      // entity_type is the first contract column, after row_id
      if (options.entityType !== undefined && cells[1] !== options.entityType) {
        lastRowId = readyRowId(this.path, cells, line, lastRowId);
        continue;
      }
      const row = readyRow(this.path, cells, line, lastRowId);
      lastRowId = row.row_id;
      if (validate) checkStillValid(this.path, row, line);
      yield { row, line };
    }
    if (header) throw new CsvFileError(this.path, 'not_a_ready_file', 'the file is empty (no header)');
  }
}

function checkHeader(path: string, cells: readonly string[], line: number): void {
  if (cells.join(',') !== READY_COLUMNS.join(',')) {
    throw new CsvFileError(
      path,
      'not_a_ready_file',
      `header is not the ready_to_load.csv header (${READY_COLUMNS.length} columns starting with row_id)`,
      line,
    );
  }
}

/** The row id of a record, checked: the right column count, a positive integer above the previous one. */
function readyRowId(path: string, cells: readonly string[], line: number, lastRowId: number): number {
  if (cells.length !== READY_COLUMNS.length) {
    throw new CsvFileError(path, 'not_a_ready_file', `record has ${cells.length} columns, expected ${READY_COLUMNS.length}`, line);
  }
  const rowIdText = cells[0] ?? '';
  const rowId = /^[1-9]\d{0,9}$/.test(rowIdText) ? Number(rowIdText) : NaN;
  if (!(rowId > lastRowId)) {
    throw new CsvFileError(
      path,
      'not_a_ready_file',
      `row_id ${JSON.stringify(rowIdText)} is not a positive integer greater than the previous one (${lastRowId})`,
      line,
    );
  }
  return rowId;
}

function readyRow(path: string, cells: readonly string[], line: number, lastRowId: number): ReadyRow {
  const row = { row_id: readyRowId(path, cells, line, lastRowId) } as { row_id: number } & NormalisedRow;
  CANONICAL_COLUMNS.forEach((column, i) => {
    row[column] = cells[i + 1] ?? '';
  });
  return row;
}

/** The row must still validate and already be in normal form. */
function checkStillValid(path: string, row: ReadyRow, line: number): void {
  const stored = {} as NormalisedRow;
  for (const column of CANONICAL_COLUMNS) stored[column] = row[column];
  const verdict = validateRecord(stored);
  if (!verdict.ok) {
    throw new CsvFileError(
      path,
      'not_a_ready_file',
      `row ${row.row_id} no longer validates: ${verdict.issues.map(formatIssue).join('; ')}`,
      line,
    );
  }
  const changed = CANONICAL_COLUMNS.find((column) => verdict.row[column] !== stored[column]);
  if (changed) {
    throw new CsvFileError(
      path,
      'not_a_ready_file',
      `row ${row.row_id} is not normalised (column ${changed}); regenerate the file with wbp validate`,
      line,
    );
  }
}

function unreadable(path: string, err: unknown): unknown {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'EISDIR' ? new CsvFileError(path, 'unreadable', (err as Error).message) : err;
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
