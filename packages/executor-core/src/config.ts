import { DEFAULT_SETTLE, type SettleOptions } from './settle.js';

/** Executor limits and policy (term sheet §3.2, §11, §14.1); every loop is bounded by these. */
export interface ExecutorConfig {
  batchSize: number;
  maxRows: number;
  maxBatches: number;
  /** Rows in flight at once within a batch (the rate controller sets the limit in a run; this is the default for callers without one). */
  concurrency: number;
  circuitBreakerThreshold: number;
  pipelineVersion: number;
  /** Epoch ms after which no new row starts; the run stops cleanly with a checkpoint. */
  deadline?: number | undefined;
  /** ENABLE_SAFE_COMPENSATION (default false): undo a location create when enabling Calling fails. */
  enableSafeCompensation: boolean;
  /** Low-water checkpoints inside a batch at most this often. */
  checkpointEveryMs: number;
  /** How an unknown outcome of a create, a Calling enable or a licence assignment is settled (docs/execution.md). */
  settle: SettleOptions;
  /** WEBEX_CALLING_LICENSE_ID: assign only this licence entry (default: any Webex Calling - Professional entry with free units). */
  callingLicenceId?: string | undefined;
}

export const DEFAULT_EXECUTOR_CONFIG: ExecutorConfig = {
  batchSize: 500,
  maxRows: 21_000,
  maxBatches: 1_000,
  concurrency: 16,
  circuitBreakerThreshold: 0.8,
  pipelineVersion: 1,
  enableSafeCompensation: false,
  checkpointEveryMs: 2_000,
  settle: DEFAULT_SETTLE,
};
