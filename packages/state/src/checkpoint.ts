import * as v from 'valibot';
import { sha256Hex, timestamp, validateAgainst, wholeNumber, type Validation } from './schema-parts.js';

export { CHECKPOINT_FILE } from './paths.js';

/** Term sheet §14.1 `PIPELINE_VERSION=1`; bump it when the meaning of phase/last_row_id changes. */
export const DEFAULT_PIPELINE_VERSION = 1;

/**
 * checkpoint.json, exactly the fields of term sheet §7.1 and nothing else: an unknown field means
 * the file was not written by this pipeline (or was edited by hand), and resuming from a file we
 * do not fully understand could skip rows.
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
  started_at: timestamp('started_at'),
  updated_at: timestamp('updated_at'),
});

export type Checkpoint = v.InferOutput<typeof CheckpointSchema>;
export type Phase = Checkpoint['phase'];

export type CheckpointValidation = Validation<Checkpoint>;

/** Checks a parsed value against the schema; `reason` names every offending field. */
export function validateCheckpoint(value: unknown): CheckpointValidation {
  return validateAgainst(CheckpointSchema, value);
}
