import type { ExecutionStatus } from '@wbp/executor-core';

/** `wbp run` exit statuses (docs/configuration.md). */
export const RUN_EXIT = {
  allSuccess: 0,
  finishedWithPendingOrRejected: 10,
  configOrStartupFailed: 20,
  abortedBreaker: 30,
  abortedCheckpointMismatch: 31,
  abortedCorrupt: 32,
  outDirLocked: 33,
  stoppedTimeBudget: 40,
  stoppedBound: 41,
  internalError: 70,
} as const;

export type RunExit = (typeof RUN_EXIT)[keyof typeof RUN_EXIT];

export function exitFor(status: ExecutionStatus, allSuccess: boolean): RunExit {
  switch (status) {
    case 'completed':
      return allSuccess ? RUN_EXIT.allSuccess : RUN_EXIT.finishedWithPendingOrRejected;
    case 'aborted_breaker':
      return RUN_EXIT.abortedBreaker;
    case 'hash_mismatch':
    case 'version_mismatch':
      return RUN_EXIT.abortedCheckpointMismatch;
    case 'time_budget':
      return RUN_EXIT.stoppedTimeBudget;
    case 'bound_reached':
      return RUN_EXIT.stoppedBound;
  }
}

export const RESUMABLE: ReadonlySet<number> = new Set([RUN_EXIT.stoppedTimeBudget, RUN_EXIT.stoppedBound, RUN_EXIT.abortedBreaker]);

export const EXIT_MEANING: Record<number, string> = {
  0: 'every row succeeded',
  2: 'usage mistake (an unknown option, a missing <csv>, --time-budget 0, …); nothing was done',
  10: 'finished; some rows are pending or rejected',
  20: 'configuration or startup checks failed; no row was touched',
  30: 'aborted by the circuit breaker',
  31: 'aborted: the checkpoint belongs to another CSV or pipeline version (outputs untouched)',
  32: 'aborted: corrupt outputs or checkpoint',
  33: 'refused: another run holds the output folder (outputs untouched)',
  40: 'stopped cleanly by the time budget (resume to continue)',
  41: 'stopped at MAX_ROWS/MAX_BATCHES (resume to continue)',
  70: 'internal error',
};
