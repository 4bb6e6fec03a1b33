/**
 * The output folder of `wbp run` (issue 11): one run at a time, outputs that provably belong to
 * this CSV, and damaged outputs found before anything is appended to them.
 *
 * API — three calls and a release, in this order:
 *
 *   const od = await prepareOutDir(outDir, { inputSha256, pipelineVersion, defaults: values.default, command, mode });
 *   try {
 *     // … run.log, checkResume, … (after prepareOutDir: they are created under its umask)
 *     if (!od.resume) await od.recordValidation(await validateCsvFile(csv, outDir, { defaults }));
 *     const { readyRows, ready } = await od.verify(); // before execute(); throws on damaged outputs
 *     // … execute({ rows: (type) => ready.rows({ entityType: type, validate: false }), … }) …
 *   } finally {
 *     await od.release();
 *   }
 *
 * - `prepareOutDir(outDir, options): Promise<PreparedOutDir>` creates the folder (0700), sets the
 *   process umask (077: files 0600; `mode: 'shared'` → 022: 0644/0755 — proposed env var
 *   `OUTPUT_MODE=private|shared`), refuses a symlink or directory where an output file belongs,
 *   takes `DIR/.wbp.lock`, deletes stale checkpoint/manifest temps, and checks or writes
 *   `DIR/manifest.json` (on a fresh folder, before any other output exists).
 * - `od.resume`: validation of this CSV is already recorded → reuse ready_to_load.csv; false →
 *   validate, then `od.recordValidation(summary)` (any `{ ready, rejected, inputSha256? }`).
 * - `od.verify(): Promise<VerifiedOutputs>` cross-checks every output against the manifest, the
 *   checkpoint and each other (`verifyOutputs`, exported for other callers). ready_to_load.csv is
 *   read once, into memory: `ready` holds the bytes whose sha256 matched the manifest, for every
 *   later pass over the rows (byte for byte what validation wrote, so they need no re-validation).
 *   Its rows are validated once here when this process did not validate them itself (a resume:
 *   another invocation, possibly another wbp, wrote the file), never again.
 * - `od.release()` removes the lock and restores the umask; idempotent. The lock is also removed
 *   on exit and on a SIGINT/SIGTERM/SIGHUP nobody else handles; after a SIGKILL the next run
 *   finds it stale (same host, pid gone) and takes it over.
 *
 * Errors (each `{ file, line?, kind, detail }`, message = what is wrong and what to do) and the
 * exit status each should map to:
 * - `OutDirLockedError` (@wbp/state): another run holds the folder → 33 (new; proposed
 *   "aborted: another run holds the output folder (outputs untouched)").
 * - `OutDirMismatchError` (here), kinds `input_hash`, `pipeline_version`, `unproven_outputs`,
 *   `defaults`: the outputs belong to another CSV / version / defaults, or cannot be proven to
 *   belong to this one → 31.
 * - `OutputCorruptError` (@wbp/files), `ManifestCorruptError`, `CheckpointCorruptError`
 *   (@wbp/state): damaged or inconsistent outputs → 32.
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CsvFileError, READY_COLUMNS, READY_FILE, ReadyFile, REJECTED_FILE } from '@wbp/csv-contract';
import { PENDING_FILE, PHASE_OF, RESULTS_FILE, type EntityType } from '@wbp/executor-core';
import {
  acquireDirLock,
  CHECKPOINT_FILE,
  checkpointAttempt,
  checkpointPath,
  MANIFEST_FILE,
  manifestPath,
  readCheckpoint,
  readManifest,
  sha256File,
  writeManifest,
  type Checkpoint,
  type DirLock,
  type Manifest,
} from '@wbp/state';
import {
  cleanStaleTemps,
  FileError,
  lineAttempt,
  neutraliseCell,
  OutputCorruptError,
  PENDING_COLUMNS,
  readCsvLines,
  regularFileSize,
  REJECTED_COLUMNS,
  RESULTS_COLUMNS,
} from '@wbp/files';
import { parseDefaults } from '../default-flags.js';

export type OutputMode = 'private' | 'shared';

export interface PrepareOutDirOptions {
  /** sha256 of the CSV (`sha256File`). */
  inputSha256: string;
  pipelineVersion: number;
  /** The `--default column=value` arguments as given (compared as the column → value map they make). */
  defaults: readonly string[];
  /** What holds the lock, shown to a run that is refused (default `wbp run`). */
  command?: string;
  /** 'private' (default): folder 0700, files 0600. 'shared': 0755 / 0644. */
  mode?: OutputMode;
}

export interface VerifiedOutputs {
  readyRows: number;
  /** ready_to_load.csv as verified: its bytes, whose sha256 matched the manifest. Read rows from here, not from the file. */
  ready: ReadyFile;
  rejectedRows: number;
  /** Lines in results.csv / pending_rows.csv, over every attempt. */
  resultLines: number;
  pendingLines: number;
  /** Rows whose latest results line (the highest attempt) is pending: what a re-run would try again. */
  pendingRows: number;
}

export interface PreparedOutDir {
  readonly dir: string;
  /** The manifest as it is now (with `ready`/`rejected` once validation is recorded). */
  readonly manifest: Manifest;
  /** Validation of this CSV is already recorded: reuse ready_to_load.csv instead of validating. */
  readonly resume: boolean;
  recordValidation(summary: { ready: number; rejected: number; inputSha256?: string }): Promise<void>;
  verify(): Promise<VerifiedOutputs>;
  release(): Promise<void>;
}

export type MismatchKind = 'input_hash' | 'pipeline_version' | 'unproven_outputs' | 'defaults';

/** The outputs in the folder belong to another CSV, pipeline version or defaults, or cannot be shown to be this CSV's. */
export class OutDirMismatchError extends FileError<MismatchKind> {
  override name = 'OutDirMismatchError';

  constructor(file: string, kind: MismatchKind, detail: string) {
    super(`${file}: ${detail}; outputs left untouched`, { file, line: undefined, kind, detail });
  }
}

const UMASK: Record<OutputMode, number> = { private: 0o077, shared: 0o022 };
const DIR_MODE: Record<OutputMode, number> = { private: 0o700, shared: 0o755 };
/** Every file a run writes in the folder: none may be a symlink (or a directory) planted there. */
const OUTPUT_FILES = [
  READY_FILE,
  REJECTED_FILE,
  RESULTS_FILE,
  PENDING_FILE,
  CHECKPOINT_FILE,
  MANIFEST_FILE,
  'run.log',
  'summary.json',
  'summary.md',
];
/** Outputs that record rows as done: they must be proven to belong to this CSV. Validation outputs are rewritten anyway. */
const ROW_STATE_FILES = [RESULTS_FILE, PENDING_FILE];
const NEW_FOLDER = 'use a new --out folder';

export async function prepareOutDir(outDir: string, options: PrepareOutDirOptions): Promise<PreparedOutDir> {
  const dir = resolve(outDir);
  const mode = options.mode ?? 'private';
  const previousUmask = setUmask(UMASK[mode]);
  let lock: DirLock | undefined;
  try {
    await mkdir(dir, { recursive: true, mode: DIR_MODE[mode] });
    for (const name of OUTPUT_FILES) await regularFileSize(join(dir, name));
    lock = await acquireDirLock(dir, { command: options.command ?? 'wbp run' });
    await cleanStaleTemps(dir, { lockHeld: true });
    const { manifest, resume } = await settleManifest(dir, options);
    return new Prepared(dir, manifest, resume, lock, previousUmask);
  } catch (err) {
    await lock?.release();
    setUmask(previousUmask);
    throw err;
  }
}

class Prepared implements PreparedOutDir {
  readonly dir: string;
  manifest: Manifest;
  readonly resume: boolean;
  readonly #lock: DirLock;
  readonly #umask: number | undefined;
  #released = false;
  /** recordValidation ran in this process: the rows of ready_to_load.csv were validated here, just now. */
  #validatedHere = false;

  constructor(dir: string, manifest: Manifest, resume: boolean, lock: DirLock, umask: number | undefined) {
    this.dir = dir;
    this.manifest = manifest;
    this.resume = resume;
    this.#lock = lock;
    this.#umask = umask;
  }

  async recordValidation(summary: { ready: number; rejected: number; inputSha256?: string }): Promise<void> {
    if (summary.inputSha256 !== undefined && summary.inputSha256 !== this.manifest.input_sha256) {
      throw hashMismatch(
        join(this.dir, MANIFEST_FILE),
        this.manifest.input_sha256,
        summary.inputSha256,
        'the CSV changed while it was being validated',
      );
    }
    const ready = { rows: summary.ready, sha256: await sha256File(join(this.dir, READY_FILE)) };
    this.manifest = { ...this.manifest, ready, rejected: { rows: summary.rejected } };
    await writeManifest(this.dir, this.manifest);
    this.#validatedHere = true;
  }

  async verify(): Promise<VerifiedOutputs> {
    return verifyOutputs(this.dir, this.manifest, await readCheckpoint(this.dir), { validateRows: !this.#validatedHere });
  }

  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    await this.#lock.release();
    setUmask(this.#umask);
  }
}

/** Checks the manifest against this run, or writes it; says whether validation can be reused. */
async function settleManifest(dir: string, options: PrepareOutDirOptions): Promise<{ manifest: Manifest; resume: boolean }> {
  const found = await readManifest(dir);
  const checkpoint = await readCheckpoint(dir);
  if (checkpoint)
    assertSameRun(checkpointPath(dir), { input_sha256: checkpoint.input_hash, pipeline_version: checkpoint.pipeline_version }, options);
  if (found) {
    assertSameRun(manifestPath(dir), found, options);
    assertSameDefaults(manifestPath(dir), found, options.defaults);
    return { manifest: found, resume: found.ready !== undefined && found.rejected !== undefined };
  }
  const manifest: Manifest = {
    input_sha256: options.inputSha256,
    pipeline_version: options.pipelineVersion,
    created_at: checkpoint?.started_at ?? new Date().toISOString(),
    defaults: [...options.defaults],
  };
  if (checkpoint) {
    // Outputs older than manifests, proven to be this CSV's by their checkpoint: adopt them.
    Object.assign(manifest, { adopted: true }, await describeValidation(dir));
  } else {
    const present = [];
    for (const name of ROW_STATE_FILES) if ((await regularFileSize(join(dir, name))) !== undefined) present.push(name);
    if (present.length > 0) {
      throw new OutDirMismatchError(
        manifestPath(dir),
        'unproven_outputs',
        `missing, but the folder holds ${present.join(' and ')} with no checkpoint.json either, so nothing shows which CSV those rows belong to (an older wbp, or manifest.json was deleted); resuming over another CSV's rows would keep their old results. Use a new --out folder, or move those files aside`,
      );
    }
  }
  await writeManifest(dir, manifest);
  return { manifest, resume: manifest.ready !== undefined };
}

function assertSameRun(file: string, recorded: { input_sha256: string; pipeline_version: number }, options: PrepareOutDirOptions): void {
  if (recorded.pipeline_version !== options.pipelineVersion) {
    throw new OutDirMismatchError(
      file,
      'pipeline_version',
      `the outputs were written by pipeline version ${recorded.pipeline_version}, this run is version ${options.pipelineVersion}; ${NEW_FOLDER}`,
    );
  }
  if (recorded.input_sha256 !== options.inputSha256)
    throw hashMismatch(file, recorded.input_sha256, options.inputSha256, 'the CSV was edited or is another file');
}

function hashMismatch(file: string, recorded: string, actual: string, why: string): OutDirMismatchError {
  return new OutDirMismatchError(
    file,
    'input_hash',
    `the outputs belong to a CSV with sha256 ${recorded}, this CSV's is ${actual} (${why}); resuming would keep the old results of edited rows. Run the original CSV, or ${NEW_FOLDER} for this one`,
  );
}

function assertSameDefaults(file: string, manifest: Manifest, defaults: readonly string[]): void {
  const canonical = (list: readonly string[]) => JSON.stringify(Object.entries(parseDefaults(list)).sort(([a], [b]) => a.localeCompare(b)));
  if (canonical(manifest.defaults) === canonical(defaults)) return;
  throw new OutDirMismatchError(
    file,
    'defaults',
    `the first run of these outputs had ${describeDefaults(manifest.defaults)}, this run has ${describeDefaults(defaults)}; ready_to_load.csv was built with the first. Run again with the same --default values, or ${NEW_FOLDER}`,
  );
}

function describeDefaults(list: readonly string[]): string {
  return list.length === 0 ? 'no --default' : list.map((d) => `--default ${d}`).join(' ');
}

/** `ready`/`rejected` of a manifest from validation outputs already on disk (when both are). */
async function describeValidation(dir: string): Promise<Pick<Manifest, 'ready' | 'rejected'>> {
  const readyPath = join(dir, READY_FILE);
  const rejectedPath = join(dir, REJECTED_FILE);
  if ((await regularFileSize(readyPath)) === undefined || (await regularFileSize(rejectedPath)) === undefined) return {};
  return {
    ready: { rows: await countLines(readyPath, READY_COLUMNS), sha256: await sha256File(readyPath) },
    rejected: { rows: await countLines(rejectedPath, REJECTED_COLUMNS) },
  };
}

async function countLines(path: string, columns: readonly string[]): Promise<number> {
  let n = 0;
  for await (const _ of readCsvLines(path, columns)) n++;
  return n;
}

interface ReadyRow {
  entityType: string;
  entityKey: string;
  phase: number | undefined;
  line: number;
}

/** A results or pending line, as far as the cross-checks need it. */
interface RowLine {
  rowId: number;
  line: number;
  status: string;
  attempt: number;
}

const REPAIR = `Put back the file as wbp wrote it (a copy, or the run artifact), or ${NEW_FOLDER}`;

/**
 * Every check of the outputs against the manifest, the checkpoint and each other, in one place;
 * throws `OutputCorruptError` at the first problem. Read-only.
 *
 * - ready_to_load.csv and rejected_rows.csv are what validation wrote (manifest `ready`, `rejected`);
 * - every results.csv / pending_rows.csv line is one this run could have written: a row of
 *   ready_to_load.csv, with its entity_type, entity_key and phase, status success|pending, an
 *   attempt no later than the checkpoint's; once per attempt, attempts in order, and none after an
 *   attempt that ended the row success (success rows are never run again);
 * - every results line with status pending has its pending_rows.csv line of the same attempt;
 * - every row the checkpoint calls done (earlier phases, and its phase up to last_row_id) is done
 *   for the checkpoint's attempt: a results line of that attempt (or a pending line, which the
 *   executor completes into one at open), or an earlier attempt ended it success;
 * - each file is byte for byte as the writers write it (no CRLF, BOM, quoting changes).
 */
export async function verifyOutputs(
  dir: string,
  manifest: Manifest,
  checkpoint: Checkpoint | undefined,
  options: { validateRows?: boolean } = {},
): Promise<VerifiedOutputs> {
  const recorded = manifest.ready;
  if (recorded === undefined || manifest.rejected === undefined)
    throw new Error('verifyOutputs: validation is not recorded in manifest.json yet (call recordValidation first)');
  const readyPath = join(dir, READY_FILE);
  const { file, ready } = await readReady(readyPath, recorded, options.validateRows ?? true);

  const rejectedPath = join(dir, REJECTED_FILE);
  if ((await regularFileSize(rejectedPath)) === undefined) {
    throw new OutputCorruptError(
      rejectedPath,
      undefined,
      'missing_file',
      `is gone, but validation rejected ${manifest.rejected.rows} row(s) (manifest.json): the record of why they were refused would be lost. ${REPAIR}`,
    );
  }
  const rejectedRows = await countLines(rejectedPath, REJECTED_COLUMNS);
  if (rejectedRows !== manifest.rejected.rows) {
    throw new OutputCorruptError(
      rejectedPath,
      undefined,
      'manifest_mismatch',
      `has ${rejectedRows} row(s), validation wrote ${manifest.rejected.rows} (manifest.json). ${REPAIR}`,
    );
  }

  const resultsPath = join(dir, RESULTS_FILE);
  const pendingPath = join(dir, PENDING_FILE);
  // No line can be of an attempt the checkpoint has not started (each attempt is checkpointed before its first row).
  const attempt = checkpointAttempt(checkpoint);
  const results = await readRowLines(resultsPath, RESULTS_COLUMNS, ready, attempt);
  const pending = await readRowLines(pendingPath, PENDING_COLUMNS, ready, attempt);

  let pendingRows = 0;
  for (const lines of results.lines.values()) {
    if (lines.at(-1)!.status === 'pending') pendingRows++;
    for (const r of lines) {
      if (r.status !== 'pending' || pending.lines.get(r.rowId)?.some((p) => p.attempt === r.attempt)) continue;
      const [kind, detail] = pending.exists
        ? (['missing_pending', 'has no line'] as const)
        : (['missing_file', 'is gone, but it has a line'] as const);
      throw new OutputCorruptError(
        pendingPath,
        undefined,
        kind,
        `${detail} for row ${r.rowId} (attempt ${r.attempt}), which results.csv line ${r.line} says ended pending: the list of rows to follow up would miss it. ${REPAIR}`,
      );
    }
  }

  if (checkpoint) {
    const { phase, last_row_id: last } = checkpoint;
    /** Done for this attempt: ended in it, or an earlier attempt ended it success (it is not run again). */
    const doneInAttempt = (rowId: number): boolean => {
      const own = results.lines.get(rowId) ?? [];
      return (
        own.some((r) => r.attempt === attempt || r.status === 'success') ||
        (pending.lines.get(rowId) ?? []).some((p) => p.attempt === attempt)
      );
    };
    const missing: number[] = [];
    for (const [rowId, row] of ready) {
      const done = row.phase !== undefined && (row.phase < phase || (row.phase === phase && rowId <= last));
      if (done && !doneInAttempt(rowId)) missing.push(rowId);
    }
    if (missing.length > 0) {
      const rows = `${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}`;
      const state = results.lines.size === 0 ? (results.exists ? 'has no result lines' : 'is gone') : `has no line for row(s) ${rows}`;
      throw new OutputCorruptError(
        resultsPath,
        undefined,
        'checkpoint_ahead',
        `${state}${attempt > 1 ? ` in attempt ${attempt}` : ''}, but checkpoint.json says every row before phase ${phase}${last > 0 ? ` and of phase ${phase} up to row ${last}` : ''} is done${attempt > 1 ? ` in attempt ${attempt}` : ''}: ${missing.length} row(s) would never be processed again. ${REPAIR}`,
      );
    }
  }
  return { readyRows: ready.size, ready: file, rejectedRows, resultLines: results.count, pendingLines: pending.count, pendingRows };
}

/**
 * ready_to_load.csv, read once: the bytes, checked against the manifest's sha256 and row count,
 * and the rows parsed from those same bytes (validated again when `validateRows`). A file whose
 * hash differs is described by what is wrong with it (re-saved, cut short, rows removed…).
 */
async function readReady(
  path: string,
  recorded: NonNullable<Manifest['ready']>,
  validateRows: boolean,
): Promise<{ file: ReadyFile; ready: Map<number, ReadyRow> }> {
  if ((await regularFileSize(path)) === undefined) {
    throw new OutputCorruptError(
      path,
      undefined,
      'missing_file',
      `is gone, but validation wrote it with ${recorded.rows} row(s) (manifest.json). ${REPAIR}`,
    );
  }
  const file = await ReadyFile.read(path);
  const mismatch = (rows: number) =>
    new OutputCorruptError(
      path,
      undefined,
      'manifest_mismatch',
      `is not the file validation wrote (${rows} row(s), sha256 ${file.sha256}; manifest.json says ${recorded.rows}, ${recorded.sha256}): a removed row would be silently skipped, an edited one run with other values. ${REPAIR}`,
    );
  if (file.sha256 !== recorded.sha256) {
    // Only on this error path is the file read again, as an output: a re-saved or cut-short file is named as such.
    throw mismatch(await countLines(path, READY_COLUMNS));
  }
  const ready = new Map<number, ReadyRow>();
  try {
    for (const { row, line } of file.records({ validate: validateRows })) {
      ready.set(row.row_id, {
        entityType: row.entity_type,
        entityKey: row.entity_key,
        phase: PHASE_OF[row.entity_type as EntityType],
        line,
      });
    }
  } catch (err) {
    // Outputs adopted from an older wbp are hashed as found: one not as the writers write it is
    // named as such (re-saved, cut short…); a row that no longer validates stays a CsvFileError.
    if (err instanceof CsvFileError) await countLines(path, READY_COLUMNS);
    throw err;
  }
  if (ready.size !== recorded.rows) throw mismatch(ready.size);
  return { file, ready };
}

/**
 * The lines of results.csv or pending_rows.csv by row_id (each row's lines in file order: one per
 * attempt, attempts ascending), each checked against its ready row and `maxAttempt`, the
 * checkpoint's attempt.
 */
async function readRowLines(
  path: string,
  columns: readonly string[],
  ready: ReadonlyMap<number, ReadyRow>,
  maxAttempt: number,
): Promise<{ exists: boolean; lines: Map<number, RowLine[]>; count: number }> {
  const lines = new Map<number, RowLine[]>();
  let count = 0;
  if ((await regularFileSize(path)) === undefined) return { exists: false, lines, count };
  const foreign = (line: number, what: string) =>
    new OutputCorruptError(
      path,
      line,
      'foreign_line',
      `${what}: not a line this run wrote (edited, or mixed with another run's file). ${REPAIR}`,
    );
  for await (const { record, line } of readCsvLines(path, columns)) {
    const r: Partial<Record<string, string>> = record;
    const rowId = /^[1-9]\d*$/.test(r.row_id ?? '') ? Number(r.row_id) : NaN;
    const row = ready.get(rowId);
    if (row === undefined) throw foreign(line, `row_id ${JSON.stringify(r.row_id)} is not a row of ready_to_load.csv`);
    const attempt = lineAttempt({ attempt: r.attempt ?? '' });
    if (Number.isNaN(attempt)) throw foreign(line, `attempt ${JSON.stringify(r.attempt)} is not a whole number from 1`);
    if (attempt > maxAttempt) throw foreign(line, `attempt ${attempt}, but checkpoint.json is at attempt ${maxAttempt}`);
    const earlier = lines.get(rowId)?.at(-1);
    if (earlier && earlier.attempt === attempt) {
      throw new OutputCorruptError(
        path,
        line,
        'duplicate_row',
        `row ${rowId} already has a line of attempt ${attempt} (line ${earlier.line}); every row ends exactly once per attempt, so the file was edited or another run wrote to it too. ${REPAIR}`,
      );
    }
    if (earlier && earlier.attempt > attempt)
      throw foreign(
        line,
        `attempt ${attempt} after row ${rowId}'s line of attempt ${earlier.attempt} (line ${earlier.line}): attempts are appended in order`,
      );
    if (earlier && earlier.status === 'success') {
      throw new OutputCorruptError(
        path,
        line,
        'duplicate_row',
        `row ${rowId} ended success in attempt ${earlier.attempt} (line ${earlier.line}), yet has a line of attempt ${attempt}: a success row is never run again. ${REPAIR}`,
      );
    }
    if (!/^[123]$/.test(r.phase ?? '')) throw foreign(line, `phase ${JSON.stringify(r.phase)} is not 1, 2 or 3`);
    if (r.entity_type !== row.entityType)
      throw foreign(
        line,
        `entity_type ${JSON.stringify(r.entity_type)}, but row ${rowId} of ready_to_load.csv (line ${row.line}) is a ${row.entityType} row`,
      );
    if (Number(r.phase) !== row.phase)
      throw foreign(line, `phase ${r.phase}, but row ${rowId} is a ${row.entityType} row (phase ${row.phase})`);
    if (r.entity_key !== neutraliseCell(row.entityKey))
      throw foreign(
        line,
        `entity_key ${JSON.stringify(r.entity_key)}, but row ${rowId} of ready_to_load.csv is ${JSON.stringify(row.entityKey)}`,
      );
    const status = r.status ?? 'pending';
    if (status !== 'success' && status !== 'pending')
      throw foreign(line, `status ${JSON.stringify(status)} is neither success nor pending`);
    lines.set(rowId, [...(lines.get(rowId) ?? []), { rowId, line, status, attempt }]);
    count++;
  }
  return { exists: true, lines, count };
}

/** process.umask(mask) → the previous mask; undefined where it cannot be set (worker threads). */
function setUmask(mask: number | undefined): number | undefined {
  if (mask === undefined) return undefined;
  try {
    return process.umask(mask);
  } catch {
    return undefined;
  }
}
