import { type Checkpoint, checkpointAttempt, DEFAULT_PIPELINE_VERSION, type Phase } from './checkpoint.js';

export interface ResumeOptions {
  /** sha256 of the CSV this run was given (`sha256File`). */
  inputHash: string;
  /** The pipeline version this run implements; defaults to `DEFAULT_PIPELINE_VERSION`. */
  pipelineVersion?: number;
}

/**
 * What to do with the checkpoint found at start-up. In the mismatch cases `expected` is what the
 * checkpoint recorded and `actual` is what this run has; term sheet §7.2 says to abort with a
 * critical log, never to resume or silently start over.
 */
export type ResumeDecision =
  | { kind: 'fresh' }
  | {
      kind: 'resume';
      phase: Phase;
      /** First row id of `phase` still to run (`last_row_id + 1`). */
      nextRowId: number;
      /** The attempt being resumed (1 for a checkpoint without the field). */
      attempt: number;
      /** Kept so the resumed run can carry `started_at` forward. */
      checkpoint: Checkpoint;
    }
  | {
      /**
       * Attempt `attempt` finished (every row of it has its line): this invocation re-runs the rows
       * whose latest outcome is pending as attempt `attempt + 1`, if there are any.
       */
      kind: 'finished';
      attempt: number;
      checkpoint: Checkpoint;
    }
  | { kind: 'hash_mismatch'; expected: string; actual: string }
  | { kind: 'version_mismatch'; expected: number; actual: number };

/** Decides between a fresh run, a resume, a re-run of a finished run's pending rows, and an abort. Pure: no I/O, no clock. */
export function checkResume(checkpoint: Checkpoint | undefined, options: ResumeOptions): ResumeDecision {
  if (checkpoint === undefined) return { kind: 'fresh' };
  const version = options.pipelineVersion ?? DEFAULT_PIPELINE_VERSION;
  // Version first: a checkpoint of another pipeline version may number phases or rows differently,
  // so even its hash comparison says nothing useful.
  if (checkpoint.pipeline_version !== version) {
    return { kind: 'version_mismatch', expected: checkpoint.pipeline_version, actual: version };
  }
  if (checkpoint.input_hash !== options.inputHash) {
    return { kind: 'hash_mismatch', expected: checkpoint.input_hash, actual: options.inputHash };
  }
  const attempt = checkpointAttempt(checkpoint);
  if (checkpoint.attempt_finished_at !== undefined) return { kind: 'finished', attempt, checkpoint };
  return { kind: 'resume', phase: checkpoint.phase, nextRowId: checkpoint.last_row_id + 1, attempt, checkpoint };
}
