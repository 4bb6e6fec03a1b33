/** `wbp run` exit statuses by the name the runner's code uses. */
export declare const RUN_EXIT: {
  readonly allSuccess: 0;
  readonly usage: 2;
  readonly finishedWithPendingOrRejected: 10;
  readonly configOrStartupFailed: 20;
  readonly abortedBreaker: 30;
  readonly abortedCheckpointMismatch: 31;
  readonly abortedCorrupt: 32;
  readonly outDirLocked: 33;
  readonly stoppedTimeBudget: 40;
  readonly stoppedBound: 41;
  readonly internalError: 70;
};

export type RunExit = (typeof RUN_EXIT)[keyof typeof RUN_EXIT];

export interface RunExitStatus {
  /** One line: what the status says about the run. */
  readonly meaning: string;
  /** Whether the run's checkpoint is a point to resume from. */
  readonly resumable: boolean;
  /** How the provision workflow's job ends: green, green with a warning, or red. */
  readonly conclusion: 'success' | 'warning' | 'failure';
  /** What the operator does next. */
  readonly action: string;
}

export declare const RUN_EXIT_STATUSES: Readonly<Record<RunExit, RunExitStatus>>;
