import { DEFAULT_PIPELINE_VERSION } from '@wbp/state';
import { CLIENT_DEFAULTS } from '@wbp/webex-client';
import { DEFAULT_SETTLE, type SettleOptions } from './settle.js';

/**
 * Executor limits and policy (term sheet §3.2, §11, §14.1); every loop is bounded by these. Each
 * field's default, and why, is in `DEFAULT_EXECUTOR_CONFIG` below: the runner's environment
 * variables (docs/configuration.md) fall back to those values, so they are declared only there.
 */
export interface ExecutorConfig {
  /** BATCH_SIZE: rows per batch; the checkpoint and the circuit breaker act at batch ends. */
  batchSize: number;
  /** MAX_ROWS: rows one invocation may process before it stops (resumable). */
  maxRows: number;
  /** MAX_BATCHES: batches one invocation may process before it stops (resumable). */
  maxBatches: number;
  /** CONCURRENCY: rows in flight at once within a batch (the rate controller sets the limit in a run; this is the limit for callers without one). */
  concurrency: number;
  /** CIRCUIT_BREAKER_THRESHOLD: share of a batch's rows failing for good that aborts the run. */
  circuitBreakerThreshold: number;
  /** PIPELINE_VERSION: written into the checkpoint; a checkpoint of another version is refused. */
  pipelineVersion: number;
  /** Epoch ms after which no new row starts; the run stops cleanly with a checkpoint. */
  deadline?: number | undefined;
  /** ENABLE_SAFE_COMPENSATION: undo a location create when enabling Calling fails. */
  enableSafeCompensation: boolean;
  /** Low-water checkpoints inside a batch at most this often. */
  checkpointEveryMs: number;
  /** How an unknown outcome of a create, a Calling enable or a licence assignment is settled (docs/execution.md); UNKNOWN_OUTCOME_SETTLE_SECONDS sets `windowMs`. */
  settle: SettleOptions;
  /** WEBEX_CALLING_LICENSE_ID: assign only this licence entry (unset: any Webex Calling - Professional entry with free units). */
  callingLicenceId?: string | undefined;
}

export const DEFAULT_EXECUTOR_CONFIG: ExecutorConfig = {
  /** Term sheet §3.2's provisional value. */
  batchSize: 500,
  /** The largest site the term sheet plans for (§3.2). */
  maxRows: 21_000,
  /** The term sheet's optional extra cap (§3.2). */
  maxBatches: 1_000,
  /** What a run starts with: the rate controller's own start, so a caller without one behaves like a run's first seconds. */
  concurrency: CLIENT_DEFAULTS.throttle.startConcurrency,
  /** Term sheet §11's provisional value. */
  circuitBreakerThreshold: 0.8,
  /** The checkpoint format's own version (`@wbp/state`). */
  pipelineVersion: DEFAULT_PIPELINE_VERSION,
  /** Off: deleting what a row created is opt-in (docs/execution.md, compensation). */
  enableSafeCompensation: false,
  checkpointEveryMs: 2_000,
  settle: DEFAULT_SETTLE,
};
