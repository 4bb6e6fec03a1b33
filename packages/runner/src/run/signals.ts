/** The signals that ask a run to stop the way a spent time budget does (a cancelled job sends SIGINT, then SIGTERM). */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export interface RunSignals {
  /** The first stop signal received, if any. */
  readonly stoppedBy: NodeJS.Signals | undefined;
  /** Called on the first stop signal (at once if one already came); returns what takes the listener off again. */
  onStop(listener: (signal: NodeJS.Signals) => void): () => void;
  /** What `kill -USR2 <pid>` does until the returned disposer is called (before and after: nothing, and it never kills the process). */
  onDiagnose(listener: () => void): () => void;
  /** Removes every listener installed on the process here. */
  dispose(): void;
}

/**
 * Installed first thing in `wbp run`, so a signal during start-up neither kills the process (the
 * default action of SIGUSR2 and SIGTERM) nor is lost: the run notes it and stops before the next
 * row. Each stop signal is handled once; a second SIGINT gets Node's default (an impatient Ctrl-C).
 */
export function watchSignals(): RunSignals {
  let stoppedBy: NodeJS.Signals | undefined;
  const stopListeners = new Set<(signal: NodeJS.Signals) => void>();
  const idle = () => undefined;
  let diagnose: () => void = idle;
  const stop = (signal: NodeJS.Signals) => {
    stoppedBy ??= signal;
    for (const l of stopListeners) l(signal);
  };
  const usr2 = () => diagnose();
  for (const s of STOP_SIGNALS) process.once(s, stop);
  process.on('SIGUSR2', usr2);
  return {
    get stoppedBy() {
      return stoppedBy;
    },
    onStop(listener) {
      stopListeners.add(listener);
      if (stoppedBy) listener(stoppedBy);
      return () => stopListeners.delete(listener);
    },
    onDiagnose(listener) {
      diagnose = listener;
      return () => {
        if (diagnose === listener) diagnose = idle;
      };
    },
    dispose() {
      for (const s of STOP_SIGNALS) process.removeListener(s, stop);
      process.removeListener('SIGUSR2', usr2);
    },
  };
}
