import * as v from 'valibot';

/** The file name inside the run's output directory (term sheet §12.4). */
export const CHECKPOINT_FILE = 'checkpoint.json';

/** Term sheet §14.1 `PIPELINE_VERSION=1`; bump it when the meaning of phase/last_row_id changes. */
export const DEFAULT_PIPELINE_VERSION = 1;

const timestamp = (field: string) =>
  v.pipe(v.string(`${field} must be a string`), v.isoTimestamp(`${field} must be an ISO-8601 timestamp`));

/**
 * checkpoint.json, exactly the fields of term sheet §7.1 and nothing else: an unknown field means
 * the file was not written by this pipeline (or was edited by hand), and resuming from a file we
 * do not fully understand could skip rows.
 */
export const CheckpointSchema = v.strictObject({
  pipeline_version: v.pipe(
    v.number('pipeline_version must be a number'),
    v.safeInteger('pipeline_version must be an integer'),
    v.minValue(1, 'pipeline_version must be ≥ 1'),
  ),
  /** sha256 of the CSV bytes, lower-case hex as `sha256File` returns it. */
  input_hash: v.pipe(
    v.string('input_hash must be a string'),
    v.regex(/^[0-9a-f]{64}$/, 'input_hash must be 64 lower-case hex characters (sha256)'),
  ),
  phase: v.picklist([1, 2, 3], 'phase must be 1, 2 or 3'),
  /**
   * Low-water mark: every row of `phase` with row_id ≤ last_row_id has its result persisted.
   * 0 means none yet (row ids start at 1).
   */
  last_row_id: v.pipe(
    v.number('last_row_id must be a number'),
    v.safeInteger('last_row_id must be an integer'),
    v.minValue(0, 'last_row_id must be ≥ 0'),
  ),
  started_at: timestamp('started_at'),
  updated_at: timestamp('updated_at'),
});

export type Checkpoint = v.InferOutput<typeof CheckpointSchema>;
export type Phase = Checkpoint['phase'];

export type CheckpointValidation = { ok: true; value: Checkpoint } | { ok: false; reason: string };

/** Checks a parsed value against the schema; `reason` names every offending field. */
export function validateCheckpoint(value: unknown): CheckpointValidation {
  // abortPipeEarly: one complaint per field ("must be an integer", not also "must be ≥ 0").
  const result = v.safeParse(CheckpointSchema, value, { abortPipeEarly: true });
  if (result.success) return { ok: true, value: result.output };
  return { ok: false, reason: result.issues.map(describeIssue).join('; ') };
}

function describeIssue(issue: v.BaseIssue<unknown>): string {
  const field = v.getDotPath(issue);
  if (field === null) return `expected a JSON object, got ${issue.received}`;
  // strict_object reports both missing and unknown keys as a key issue at the object level.
  if (issue.type === 'strict_object') {
    return issue.expected === 'never' ? `unexpected field "${field}"` : `missing field "${field}"`;
  }
  return `${issue.message} (got ${issue.received})`;
}
