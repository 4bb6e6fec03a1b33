#!/usr/bin/env node
// provision.yml, step "Outcome": after the artifact upload, turns the `wbp run` exit status into
// the job's verdict, a job-summary section (meaning, what to do, the artifact, how to resume, with
// this run's id filled in) and one annotation, and decides whether the `continue` job re-dispatches
// the workflow. Exits 1 when the run failed, so the job goes red after the artifact is safe.
//
// Environment (all strings; '' when unknown):
//   EXIT_STATUS        the shell-captured exit status of `wbp run`
//   RUN_OUTCOME        steps.run.outcome (success | failure | cancelled | skipped)
//   CLI_RESUMABLE, CLI_CSV_SHA256   what `wbp run` wrote to $GITHUB_OUTPUT
//   CSV, CSV_SHA256, ENVIRONMENT, ARTIFACT_NAME   from the plan step
//   ARTIFACT_ID, ARTIFACT_URL      from actions/upload-artifact ('' = nothing uploaded)
//   RESUMED_FROM       the run id this run resumed from ('' = fresh)
//   CHAIN_DEPTH, MAX_CHAIN_DEPTH, AUTO_CONTINUE ('true' | 'false')
//   GITHUB_RUN_ID, GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_REF_NAME, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY
// Outputs: conclusion (success|warning|failure), resumable, continue (true|false), next_chain_depth.
import { annotate, appendSummary, isMain, mdCell, setOutputs } from './lib/actions.mjs';
import { describeRun, RUN_EXIT } from './lib/exit-status.mjs';

/**
 * The verdict and the continuation decision, from the environment above.
 * @param {Record<string, string | undefined>} env
 */
export function decide(env) {
  const run = describeRun({ status: env.EXIT_STATUS ?? '', runOutcome: env.RUN_OUTCOME ?? '', cliResumable: env.CLI_RESUMABLE ?? '' });
  const uploaded = String(env.ARTIFACT_ID ?? '').trim() !== '';
  const depth = Number.parseInt(env.CHAIN_DEPTH || '0', 10) || 0;
  const maxDepth = Number.parseInt(env.MAX_CHAIN_DEPTH || '8', 10);
  const autoContinue = env.AUTO_CONTINUE === 'true';
  let continuation;
  if (run.status !== RUN_EXIT.stoppedTimeBudget) continuation = { dispatch: false, why: '' };
  else if (!autoContinue) continuation = { dispatch: false, why: 'auto_continue is off: resume by hand (below).' };
  else if (!uploaded)
    continuation = { dispatch: false, why: 'no artifact was uploaded, so a continuation would have nothing to resume from.' };
  else if (depth >= maxDepth) {
    continuation = {
      dispatch: false,
      why: `the chain already has ${depth} automatic continuations (limit ${maxDepth}): resume by hand (below), with chain_depth 0.`,
    };
  } else continuation = { dispatch: true, why: '', nextDepth: depth + 1 };
  return { run, uploaded, depth, maxDepth, continuation };
}

function resumeBlock(env, runId, resumeValue) {
  const csv = env.CSV ?? '';
  const environment = env.ENVIRONMENT ?? '';
  const ref = env.GITHUB_REF_NAME || 'main';
  return [
    `Actions → **provision** → *Run workflow* on \`${mdCell(ref)}\` with:`,
    '',
    '| input | value |',
    '| --- | --- |',
    `| csv | \`${mdCell(csv)}\` |`,
    `| environment | ${mdCell(environment)} |`,
    `| resume | ${resumeValue === '' ? '*(empty: fresh run)*' : `\`${resumeValue}\``} |`,
    '',
    'or from a terminal:',
    '',
    '```sh',
    `gh workflow run provision.yml --ref ${ref} -f csv=${csv} -f environment=${environment} -f resume=${resumeValue}`,
    '```',
    '',
    ...(resumeValue === runId
      ? ['`resume` = `latest` finds the same artifact as long as no newer run of this CSV and environment uploaded one.', '']
      : []),
  ];
}

/** The job-summary section. */
export function outcomeMarkdown(env, d) {
  const { run, uploaded, continuation } = d;
  const runId = env.GITHUB_RUN_ID ?? '';
  const server = env.GITHUB_SERVER_URL || 'https://github.com';
  const repo = env.GITHUB_REPOSITORY ?? '';
  const label = run.status === undefined ? 'no exit status' : `exit status ${run.status}`;
  const lines = ['## Outcome', '', `**${label}: ${mdCell(run.meaning)}**`, '', `What to do: ${run.action}`, ''];

  const artifact = uploaded
    ? `[\`${mdCell(env.ARTIFACT_NAME ?? '')}\`](${env.ARTIFACT_URL || `${server}/${repo}/actions/runs/${runId}`}) — results.csv, pending_rows.csv, rejected_rows.csv, checkpoint.json, ready_to_load.csv, run.log, summary.json/md`
    : 'none uploaded (see the *Upload* step)';
  lines.push(
    '| | |',
    '| --- | --- |',
    `| artifact | ${artifact} |`,
    `| resumed from | ${env.RESUMED_FROM ? `[run ${mdCell(env.RESUMED_FROM)}](${server}/${repo}/actions/runs/${mdCell(env.RESUMED_FROM)})` : 'nothing (fresh run)'} |`,
    `| this run id | \`${mdCell(runId)}\` |`,
    '',
  );

  if (env.CLI_CSV_SHA256 && env.CSV_SHA256 && env.CLI_CSV_SHA256 !== env.CSV_SHA256) {
    lines.push(
      `⚠️ \`wbp run\` hashed the CSV as \`${mdCell(env.CLI_CSV_SHA256)}\`, the workflow as \`${mdCell(env.CSV_SHA256)}\`: the artifact name no longer matches the checkpoint's input_hash, so \`resume\` by name may pick the wrong artifact. Report this.`,
      '',
    );
  }

  if (continuation.dispatch) {
    lines.push(
      `### Continuing automatically`,
      '',
      `The *continue* job dispatches continuation #${continuation.nextDepth} of ${d.maxDepth} with \`resume\` = \`${mdCell(runId)}\`. Its first step waits (at most 15 minutes) until this run has ended${env.ENVIRONMENT === 'prod' ? ", then needs a reviewer's approval like any prod run" : ''}. It carries on with this run's plan (no new plan is made). If it is cancelled or never starts, resume by hand (a resume by hand plans afresh):`,
      '',
      ...resumeBlock(env, runId, runId),
    );
  } else if (run.resumable && uploaded) {
    lines.push(
      '### How to resume',
      '',
      ...(continuation.why ? [`Not continued automatically: ${continuation.why}`, ''] : []),
      ...resumeBlock(env, runId, runId),
    );
  } else if (run.resumable && !uploaded) {
    lines.push(
      '### How to resume',
      '',
      env.RESUMED_FROM
        ? `This run uploaded no artifact, so resume again from run \`${mdCell(env.RESUMED_FROM)}\` (its checkpoint is unchanged):`
        : 'This run uploaded no artifact, so there is nothing to resume from: dispatch a fresh run (rows already done are looked up, not created twice):',
      '',
      ...resumeBlock(env, runId, env.RESUMED_FROM ?? ''),
    );
  } else if (
    [RUN_EXIT.finishedWithPendingOrRejected, RUN_EXIT.abortedCheckpointMismatch, RUN_EXIT.abortedCorrupt, RUN_EXIT.internalError].includes(
      run.status,
    )
  ) {
    lines.push(
      `### How to ${run.status === RUN_EXIT.finishedWithPendingOrRejected ? 're-run after fixing' : 'start over'}`,
      '',
      ...resumeBlock(env, runId, ''),
    );
  } else if (run.status === RUN_EXIT.configOrStartupFailed || run.status === undefined) {
    lines.push('### How to dispatch again after fixing', '', ...resumeBlock(env, runId, env.RESUMED_FROM ?? ''));
  }
  return `${lines.join('\n')}\n`;
}

/** @returns {Promise<number>} the exit code: 1 when the run failed */
export async function main(env = process.env) {
  const d = decide(env);
  const { run, continuation } = d;
  setOutputs({
    conclusion: run.conclusion,
    resumable: String(run.resumable && d.uploaded),
    continue: String(continuation.dispatch),
    next_chain_depth: continuation.dispatch ? continuation.nextDepth : '',
  });
  await appendSummary(outcomeMarkdown(env, d));
  const title = run.status === undefined ? 'wbp run: no exit status' : `wbp run: exit status ${run.status}`;
  const level = run.conclusion === 'failure' ? 'error' : run.conclusion === 'warning' ? 'warning' : 'notice';
  const extra = continuation.dispatch
    ? ` Continuation #${continuation.nextDepth} will be dispatched.`
    : continuation.why
      ? ` Not continued automatically: ${continuation.why}`
      : '';
  annotate(level, `${run.meaning}. ${run.action}${extra}`, { title });
  return run.conclusion === 'failure' ? 1 : 0;
}

if (isMain(import.meta.url)) process.exitCode = await main();
