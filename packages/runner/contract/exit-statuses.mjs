// The one table of `wbp run` exit statuses: what each means, whether the run can be resumed, how the
// provision workflow judges it and what the operator does next. Plain JavaScript (with types in
// exit-statuses.d.mts) because both the runner and the workflow scripts import it, and the workflow
// scripts run under plain `node`. docs/configuration.md and docs/operator-guide.md quote it; a test
// keeps them word for word the same.

/** Each status by the name the runner's code uses. */
export const RUN_EXIT = Object.freeze({
  allSuccess: 0,
  usage: 2,
  finishedWithPendingOrRejected: 10,
  configOrStartupFailed: 20,
  abortedBreaker: 30,
  abortedCheckpointMismatch: 31,
  abortedCorrupt: 32,
  outDirLocked: 33,
  stoppedTimeBudget: 40,
  stoppedBound: 41,
  internalError: 70,
});

const status = (meaning, resumable, conclusion, action) => Object.freeze({ meaning, resumable, conclusion, action });

export const RUN_EXIT_STATUSES = Object.freeze({
  [RUN_EXIT.allSuccess]: status(
    'every row succeeded',
    false,
    'success',
    'Nothing is left to do in this environment. After lab, dispatch prod with the same CSV.',
  ),
  [RUN_EXIT.usage]: status(
    'usage mistake (an unknown option, a missing <csv>, --time-budget 0, …); nothing was done',
    false,
    'failure',
    'The workflow called wbp with arguments it does not accept: a workflow bug. Tell the maintainers, with the step log.',
  ),
  [RUN_EXIT.finishedWithPendingOrRejected]: status(
    'finished; some rows are pending or rejected',
    false,
    'warning',
    'Read the reason codes in pending_rows.csv / rejected_rows.csv, fix each cause (the operator guide says how, per reason code), then re-run: dispatch the same CSV with resume = this run id (or latest) and only the rows that ended pending are tried again (rows that succeeded are not sent to Webex again). Rejected rows need a CSV fix by PR, then a fresh run (resume empty): finished rows are looked up and left alone, nothing is created twice.',
  ),
  [RUN_EXIT.configOrStartupFailed]: status(
    'configuration or startup checks failed; no row was touched',
    false,
    'failure',
    "Read the step log of 'Provision' and run.log (startup_checks=fail and its cause): usually a missing or expired WEBEX_TOKEN environment secret, a token without admin scopes, or a bad variable; or wbp refused the plan (made for another CSV sha256 or environment: the log says which; nothing was sent). Fix it and dispatch again with the same resume value as this run (a new plan is made).",
  ),
  [RUN_EXIT.abortedBreaker]: status(
    'aborted by the circuit breaker',
    true,
    'failure',
    'Most rows of the last batch failed with auth_invalid, permission_denied or non_retryable_external: the token, its scopes or the org are wrong, not the rows. Fix that, then resume from this run.',
  ),
  [RUN_EXIT.abortedCheckpointMismatch]: status(
    'aborted: the checkpoint belongs to another CSV or pipeline version (outputs untouched)',
    false,
    'failure',
    'Do not resume from this run. Resume from the run that processed this exact CSV file, or dispatch a fresh run (resume empty). If PIPELINE_VERSION was changed on purpose, a fresh run is the only way.',
  ),
  [RUN_EXIT.abortedCorrupt]: status(
    'aborted: corrupt outputs or checkpoint',
    false,
    'failure',
    'Do not resume from this run. Download its artifact and look at run.log (the corrupt file is named there); resume from an earlier good run, or dispatch a fresh run (resume empty) — rows already done are looked up, not created twice.',
  ),
  [RUN_EXIT.outDirLocked]: status(
    'refused: another run holds the output folder (outputs untouched)',
    false,
    'failure',
    'Another wbp run was using the same output folder, so this one touched nothing. Wait for that run to end, then dispatch again with the same resume input as this run (its checkpoint is unchanged).',
  ),
  [RUN_EXIT.stoppedTimeBudget]: status(
    'stopped cleanly by the time budget or a signal (resume to continue)',
    true,
    'success',
    'Resume from this run to continue where it stopped (with auto_continue on, a continuation is dispatched automatically).',
  ),
  [RUN_EXIT.stoppedBound]: status(
    'stopped at MAX_ROWS/MAX_BATCHES (resume to continue)',
    true,
    'warning',
    'The run hit its configured row or batch bound. If the CSV is meant to be that large, raise MAX_ROWS / MAX_BATCHES (environment variables) or simply resume from this run.',
  ),
  [RUN_EXIT.internalError]: status(
    'internal error (a bug)',
    false,
    'failure',
    'A wbp bug: open an issue with this run link and run.log from the artifact. Rows already finished are in results.csv; after the fix, dispatch a fresh run (resume empty) or resume from this run if the maintainers confirm the checkpoint is sound.',
  ),
});
