import type { ExecutionStatus } from '@wbp/executor-core';
import { RUN_EXIT, RUN_EXIT_STATUSES, type RunExit } from '@wbp/runner/exit-statuses';

// The table itself lives in contract/exit-statuses.mjs, shared with the workflow scripts.
export { RUN_EXIT, type RunExit };

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

const entries = Object.entries(RUN_EXIT_STATUSES).map(([code, s]) => [Number(code), s] as const);

export const RESUMABLE: ReadonlySet<number> = new Set(entries.filter(([, s]) => s.resumable).map(([code]) => code));

export const EXIT_MEANING: Record<number, string> = Object.fromEntries(entries.map(([code, s]) => [code, s.meaning]));
