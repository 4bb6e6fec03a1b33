import { FileError } from '@wbp/files';

/**
 * checkpoint.json exists but cannot be trusted (unreadable bytes, not JSON, or not the §7.1
 * shape). Term sheet §14.10: the caller must abort the run in a controlled way with a critical
 * log, never silently start over or guess where to resume.
 */
export class CheckpointCorruptError extends FileError<'malformed_checkpoint'> {
  override name = 'CheckpointCorruptError';

  constructor(file: string, detail: string, options?: { cause?: unknown }) {
    super(`checkpoint ${file} is corrupt: ${detail}`, { file, line: undefined, kind: 'malformed_checkpoint', detail }, options);
  }
}

/**
 * `writeCheckpoint` was given something that is not a valid checkpoint. Thrown before any byte
 * reaches the disk, so the previous checkpoint stays in place: a bug in the caller must not
 * turn into a corrupt file that blocks the next resume.
 */
export class InvalidCheckpointError extends Error {
  override name = 'InvalidCheckpointError';
  readonly reason: string;

  constructor(reason: string) {
    super(`refusing to write an invalid checkpoint: ${reason}`);
    this.reason = reason;
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message, reason: this.reason };
  }
}

/**
 * manifest.json exists but cannot be trusted (empty, not UTF-8, not JSON, or not the schema).
 * Like a corrupt checkpoint: stop, never guess which CSV the outputs belong to.
 */
export class ManifestCorruptError extends FileError<'malformed_manifest'> {
  override name = 'ManifestCorruptError';

  constructor(file: string, detail: string, options?: { cause?: unknown }) {
    super(
      `${file} is corrupt: ${detail}; it says which CSV the outputs belong to, so nothing can be resumed without it — restore it or start a new output folder`,
      { file, line: undefined, kind: 'malformed_manifest', detail },
      options,
    );
  }
}

/** Who holds an output directory's lock (the content of `.wbp.lock`). */
export interface LockHolder {
  pid: number;
  host: string;
  started_at: string;
  command: string;
}

export type LockedKind =
  /** A live process on this host holds it. */
  | 'held'
  /** A process on another host holds it; its liveness cannot be checked from here. */
  | 'held_other_host'
  /** This very process already holds it (a second prepare of the same folder). */
  | 'held_by_this_process'
  /** The lock file is not a lock this tool wrote (a symlink, a directory, garbage still being written). */
  | 'not_a_lock'
  /** Another process is replacing a stale lock right now, or died while doing so. */
  | 'takeover_in_progress';

/**
 * The output directory is locked by another run. Two runs on one folder would process every row
 * twice, so the second refuses at once and touches nothing.
 */
export class OutDirLockedError extends FileError<LockedKind> {
  override name = 'OutDirLockedError';
  readonly holder: LockHolder | undefined;

  constructor(file: string, kind: LockedKind, detail: string, holder?: LockHolder) {
    super(`${file}: ${detail}`, { file, line: undefined, kind, detail });
    this.holder = holder;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), holder: this.holder };
  }
}
