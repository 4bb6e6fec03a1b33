// The outcome of the provision workflow's Provision step, from the one exit-status table of `wbp run`
// (@wbp/runner/exit-statuses: meaning, conclusion, resumable, what to do).
//
// conclusion: success → green, no annotation beyond a notice; warning → green job with a warning
// annotation (the run ended in a controlled way but rows still need attention); failure → red job.
import { RUN_EXIT, RUN_EXIT_STATUSES } from '@wbp/runner/exit-statuses';

export { RUN_EXIT, RUN_EXIT_STATUSES };

/**
 * The outcome of the Provision step.
 * @param {{status: string, runOutcome: string, cliResumable: string}} input
 *   status: the shell-captured exit status ('' when the step never reported one);
 *   runOutcome: steps.run.outcome (success | failure | cancelled | skipped | '');
 *   cliResumable: the CLI's own `resumable` output ('' when it did not write one).
 */
export function describeRun({ status, runOutcome, cliResumable }) {
  const trimmed = String(status ?? '').trim();
  if (trimmed === '' && runOutcome === 'skipped') {
    return {
      status: undefined,
      meaning: 'wbp run did not start (an earlier step failed); nothing was touched',
      conclusion: 'failure',
      resumable: false,
      action: 'Fix the failing step shown above (its log says why), then dispatch again with the same inputs.',
    };
  }
  if (!/^\d+$/.test(trimmed)) {
    return {
      status: undefined,
      meaning: 'wbp run stopped without reporting an exit status (cancelled, step timeout or runner lost)',
      conclusion: 'failure',
      resumable: true,
      action:
        'The checkpoint is written atomically and only after the rows it covers, so resuming from this run is safe. If that resume aborts with exit status 32, resume from the run before it.',
    };
  }
  const code = Number(trimmed);
  const known = RUN_EXIT_STATUSES[code];
  if (known) {
    const resumable = cliResumable === 'true' ? true : cliResumable === 'false' ? false : known.resumable;
    return { status: code, ...known, resumable };
  }
  if (code > 128) {
    return {
      status: code,
      meaning: `wbp run was killed by signal ${code - 128} (cancelled or step timeout)`,
      conclusion: 'failure',
      resumable: true,
      action:
        'The checkpoint is written atomically and only after the rows it covers, so resuming from this run is safe. If the step timeout was hit, lower the time budget.',
    };
  }
  return {
    status: code,
    meaning: `unexpected exit status ${code} (not a wbp run status: a usage error or a crash before the run started)`,
    conclusion: 'failure',
    resumable: false,
    action: "Read the log of the 'Provision' step; fix and dispatch again with the same inputs.",
  };
}
