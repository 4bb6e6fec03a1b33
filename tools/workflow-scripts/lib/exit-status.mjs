// What each `wbp run` exit status means for the provision workflow: the job's conclusion, whether
// this run's artifact is a resume point, and what the operator does next (docs/operator-guide.md).
//
// conclusion: success → green, no annotation beyond a notice; warning → green job with a warning
// annotation (the run ended in a controlled way but rows still need attention); failure → red job.

/** @type {Record<number, {meaning: string, conclusion: 'success'|'warning'|'failure', resumable: boolean, action: string}>} */
export const RUN_EXIT_STATUSES = {
  0: {
    meaning: 'every row succeeded',
    conclusion: 'success',
    resumable: false,
    action: 'Nothing is left to do in this environment. After lab, dispatch prod with the same CSV.',
  },
  2: {
    meaning: 'usage mistake (an unknown option, a missing <csv>, --time-budget 0, …); nothing was done',
    conclusion: 'failure',
    resumable: false,
    action: 'The workflow called wbp with arguments it does not accept: a workflow bug. Tell the maintainers, with the step log.',
  },
  10: {
    meaning: 'finished; some rows are pending or rejected',
    conclusion: 'warning',
    resumable: false,
    action:
      'Read the reason codes in the table above and in pending_rows.csv / rejected_rows.csv, fix each cause (the operator guide says how, per reason code), then re-run: dispatch the same CSV with resume = this run id (or latest) and only the rows that ended pending are tried again (the next attempt; rows that succeeded are not sent to Webex again). Rejected rows need a CSV fix by PR, then a fresh run (resume empty): finished rows are looked up and left alone, nothing is created twice.',
  },
  20: {
    meaning: 'configuration or startup checks failed; no row was touched',
    conclusion: 'failure',
    resumable: false,
    action:
      "Read the step log of 'Provision' and run.log (startup_checks=fail and its cause): usually a missing or expired WEBEX_TOKEN environment secret, a token without admin scopes, or a bad variable; or wbp refused the plan (made for another CSV sha256 or environment: the log says which; nothing was sent). Fix it and dispatch again with the same resume value as this run (a new plan is made).",
  },
  30: {
    meaning: 'aborted by the circuit breaker',
    conclusion: 'failure',
    resumable: true,
    action:
      'Most rows of the last batch failed with auth_invalid, permission_denied or non_retryable_external: the token, its scopes or the org are wrong, not the rows. Fix that, then resume from this run.',
  },
  31: {
    meaning: 'aborted: the checkpoint belongs to another CSV or pipeline version (outputs untouched)',
    conclusion: 'failure',
    resumable: false,
    action:
      'Do not resume from this run. Resume from the run that processed this exact CSV file, or dispatch a fresh run (resume empty). If PIPELINE_VERSION was changed on purpose, a fresh run is the only way.',
  },
  32: {
    meaning: 'aborted: corrupt outputs or checkpoint',
    conclusion: 'failure',
    resumable: false,
    action:
      'Do not resume from this run. Download its artifact and look at run.log (the corrupt file is named there); resume from an earlier good run, or dispatch a fresh run (resume empty) — rows already done are looked up, not created twice.',
  },
  33: {
    meaning: 'refused: another run holds the output folder (outputs untouched)',
    conclusion: 'failure',
    resumable: false,
    action:
      'Another wbp run was using the same output folder, so this one touched nothing. Wait for that run to end, then dispatch again with the same resume input as this run (its checkpoint is unchanged).',
  },
  40: {
    meaning: 'stopped cleanly by the time budget (resumable)',
    conclusion: 'success',
    resumable: true,
    action: 'Resume from this run to continue where it stopped.',
  },
  41: {
    meaning: 'stopped at MAX_ROWS/MAX_BATCHES (resumable)',
    conclusion: 'warning',
    resumable: true,
    action:
      'The run hit its configured row or batch bound. If the CSV is meant to be that large, raise MAX_ROWS / MAX_BATCHES (environment variables) or simply resume from this run.',
  },
  70: {
    meaning: 'internal error',
    conclusion: 'failure',
    resumable: false,
    action:
      'A wbp bug: open an issue with this run link and run.log from the artifact. Rows already finished are in results.csv; after the fix, dispatch a fresh run (resume empty) or resume from this run if the lead confirms the checkpoint is sound.',
  },
};

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
