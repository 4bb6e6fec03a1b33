import { constants, type Stats } from 'node:fs';
import { lstat, open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CsvRecord } from './columns.js';
import { cellText, formatCsvLine } from './csv-line.js';
import { OutputCorruptError } from './errors.js';
import { neutraliseCell } from './neutralise.js';
import { readCsvRecords } from './read-records.js';
import { syncDirectory } from './sync-directory.js';

export interface CsvAppenderOptions {
  /** Neutralise formula-like cells (see `neutraliseCell`). Default true: these files are opened in Excel. */
  neutralise?: boolean;
  /** fsync after every record as well, not only on `sync()`/`close()`. Slow; default false. */
  fsyncEachRecord?: boolean;
}

export interface CsvAppender<C extends string> {
  readonly path: string;
  readonly columns: readonly C[];
  /** Data records in the file: those found when it was opened plus those appended since. */
  readonly records: number;
  /**
   * Writes one record as one complete line with a single write(2) on an O_APPEND descriptor.
   * Calls are queued, so concurrent callers never interleave and records land in call order.
   */
  append(record: CsvRecord<C>): Promise<void>;
  /** fsync: every record appended before this call is on stable storage when it resolves. */
  sync(): Promise<void>;
  /** Waits for queued appends, fsyncs and closes. Further appends are refused. */
  close(): Promise<void>;
}

/**
 * Opens `path` for appending records with exactly `columns`. A missing or empty file gets the
 * header; an existing one is verified first (header, column counts, final newline) and any
 * deviation throws `OutputCorruptError` before a byte is written. A symbolic link (or anything but a
 * regular file) at `path` is refused too, so a link planted in the output folder cannot redirect
 * the writes. The file is created with mode 0666 narrowed by the process umask.
 *
 * Durability: a record is written (not fsynced) before `append` resolves, so it survives the
 * process being killed; `sync()` and `close()` fsync, so everything before the last `sync()`
 * survives power loss too. The executor calls `sync()` before each checkpoint.
 */
export async function openCsvAppender<const C extends string>(
  path: string,
  columns: readonly C[],
  options: CsvAppenderOptions = {},
): Promise<CsvAppender<C>> {
  if (columns.length === 0 || new Set(columns).size !== columns.length) {
    throw new TypeError(`columns must be non-empty and distinct: ${columns.join(',')}`);
  }
  const size = await regularFileSize(path);
  let existing = 0;
  if (size) {
    for await (const _ of readCsvRecords(path, columns)) existing++;
  }
  const handle = await openForAppend(path);
  try {
    if (!size) await writeFully(handle, Buffer.from(formatCsvLine(columns)));
  } catch (err) {
    await handle.close();
    throw err;
  }
  return new FileAppender(path, columns, handle, existing, size === undefined, options);
}

class FileAppender<C extends string> implements CsvAppender<C> {
  readonly path: string;
  readonly columns: readonly C[];
  #records: number;
  readonly #handle: FileHandle;
  readonly #known: ReadonlySet<string>;
  readonly #neutralise: boolean;
  readonly #fsyncEachRecord: boolean;
  #tail: Promise<void> = Promise.resolve();
  #failure: unknown;
  #closing: Promise<void> | undefined;
  /** A new directory entry is only durable once the directory itself is fsynced. */
  #directoryNeedsSync: boolean;

  constructor(path: string, columns: readonly C[], handle: FileHandle, existing: number, created: boolean, options: CsvAppenderOptions) {
    this.path = path;
    this.columns = columns;
    this.#handle = handle;
    this.#records = existing;
    this.#known = new Set(columns);
    this.#neutralise = options.neutralise ?? true;
    this.#fsyncEachRecord = options.fsyncEachRecord ?? false;
    this.#directoryNeedsSync = created;
  }

  get records(): number {
    return this.#records;
  }

  append(record: CsvRecord<C>): Promise<void> {
    if (this.#closing) return Promise.reject(new Error(`${this.path}: append after close`));
    let line: Buffer;
    try {
      line = Buffer.from(formatCsvLine(this.#cells(record)));
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#enqueue(async () => {
      await writeFully(this.#handle, line);
      this.#records++;
      if (this.#fsyncEachRecord) await this.#handle.sync();
    });
  }

  sync(): Promise<void> {
    if (this.#closing) return this.#closing;
    return this.#enqueue(() => this.#fsync());
  }

  close(): Promise<void> {
    this.#closing ??= this.#enqueue(() => this.#fsync()).finally(() => this.#handle.close());
    return this.#closing;
  }

  #cells(record: CsvRecord<C>): string[] {
    for (const key of Object.keys(record)) {
      if (!this.#known.has(key)) throw new TypeError(`${this.path}: unknown column ${key}`);
    }
    return this.columns.map((column) => {
      const text = cellText(record[column], column);
      return this.#neutralise ? neutraliseCell(text) : text;
    });
  }

  async #fsync(): Promise<void> {
    await this.#handle.sync();
    if (this.#directoryNeedsSync) {
      await syncDirectory(dirname(this.path));
      this.#directoryNeedsSync = false;
    }
  }

  /** Runs `task` after everything queued before it; after a failed write nothing more is written. */
  #enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.#tail.then(() => {
      if (this.#failure !== undefined) {
        throw new Error(`${this.path}: an earlier write failed, refusing to write more`, { cause: this.#failure });
      }
      return task();
    });
    this.#tail = run.catch((err: unknown) => {
      this.#failure ??= err;
    });
    return run;
  }
}

/**
 * One write(2) for the whole line. A short write only happens on a full disk or a signal
 * arriving mid-copy of a multi-page record; finishing it keeps the file parseable, and the reader
 * flags the torn line if the process died in between.
 */
async function writeFully(handle: FileHandle, data: Buffer): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await handle.write(data, offset, data.length - offset, null);
    offset += bytesWritten;
  }
}

/**
 * The size of the regular file at `path`, undefined when there is none; `OutputCorruptError`
 * (`not_a_regular_file`) for a symbolic link, directory or anything else, which must not be
 * written through or over.
 */
export async function regularFileSize(path: string): Promise<number | undefined> {
  let info: Stats;
  try {
    info = await lstat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  if (!info.isFile()) throw notARegularFile(path, info.isSymbolicLink());
  return info.size;
}

/** O_NOFOLLOW: a symlink swapped in after the lstat above still fails (ELOOP) rather than being written through. */
async function openForAppend(path: string): Promise<FileHandle> {
  try {
    return await open(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0), 0o666);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') throw notARegularFile(path, true);
    throw err;
  }
}

function notARegularFile(path: string, symlink: boolean): OutputCorruptError {
  const what = symlink ? 'a symbolic link' : 'not a regular file';
  return new OutputCorruptError(
    path,
    undefined,
    'not_a_regular_file',
    `is ${what}, so writes would not land in the output folder; remove it (after checking where it points) or start a new --out folder`,
  );
}
