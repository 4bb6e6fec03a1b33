import * as v from 'valibot';
import { sha256Hex, timestamp, validateAgainst, wholeNumber, type Validation } from './schema-parts.js';

export { CHECKPOINT_FILE } from './paths.js';

/** Term sheet §14.1 `PIPELINE_VERSION=1`; bump it when the meaning of phase/last_row_id changes. */
export const DEFAULT_PIPELINE_VERSION = 1;

/**
 * checkpoint.json: the fields of term sheet §7.1, unchanged in meaning, plus the optional fields of
 * attempts (re-running the pending rows of a finished run), and nothing else: an unknown field
 * means the file was not written by this pipeline (or was edited by hand), and resuming from a file
 * we do not fully understand could skip rows. A checkpoint without `attempt` (written before
 * attempts existed) is attempt 1, not finished.
 */
export const CheckpointSchema = v.strictObject({
  pipeline_version: wholeNumber('pipeline_version', 1),
  /** sha256 of the CSV bytes, lower-case hex as `sha256File` returns it. */
  input_hash: sha256Hex('input_hash'),
  phase: v.picklist([1, 2, 3], 'phase must be 1, 2 or 3'),
  /**
   * Low-water mark: every row of `phase` with row_id ≤ last_row_id has its result persisted.
   * 0 means none yet (row ids start at 1).
   */
  last_row_id: wholeNumber('last_row_id', 0),
  /** When the first attempt started (the run's start, carried across attempts and resumes). */
  started_at: timestamp('started_at'),
  updated_at: timestamp('updated_at'),
  /**
   * Added: the attempt `phase`/`last_row_id` belong to (1 when absent). Attempt N+1 runs again the
   * rows whose latest outcome is pending once attempt N has finished; `last_row_id` then counts a
   * row as persisted when it has its line of this attempt or an earlier attempt ended it success.
   */
  attempt: v.optional(wholeNumber('attempt', 1)),
  /** Added: when this attempt started (absent: when `started_at` says). */
  attempt_started_at: v.optional(timestamp('attempt_started_at')),
  /**
   * Added: set once every row of this attempt has its line (the run *finished*: exit 0 or 10); the
   * next invocation starts attempt + 1 instead of resuming. Absent: the attempt is to be resumed.
   */
  attempt_finished_at: v.optional(timestamp('attempt_finished_at')),
});

/** The attempt a checkpoint belongs to; no checkpoint, or one from before attempts existed, is attempt 1. */
export function checkpointAttempt(checkpoint: Checkpoint | undefined): number {
  return checkpoint?.attempt ?? 1;
}

export type Checkpoint = v.InferOutput<typeof CheckpointSchema>;
export type Phase = Checkpoint['phase'];

export type CheckpointValidation = Validation<Checkpoint>;

/** Checks a parsed value against the schema; `reason` names every offending field. */
export function validateCheckpoint(value: unknown): CheckpointValidation {
  return validateAgainst(CheckpointSchema, value);
}
