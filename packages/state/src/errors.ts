/**
 * checkpoint.json exists but cannot be trusted (unreadable bytes, not JSON, or not the §7.1
 * shape). Term sheet §14.10: the caller must abort the run in a controlled way with a critical
 * log, never silently start over or guess where to resume.
 */
export class CheckpointCorruptError extends Error {
  override name = 'CheckpointCorruptError';
  readonly path: string;
  readonly reason: string;

  constructor(path: string, reason: string, options?: { cause?: unknown }) {
    super(`checkpoint ${path} is corrupt: ${reason}`, options);
    this.path = path;
    this.reason = reason;
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message, path: this.path, reason: this.reason };
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
