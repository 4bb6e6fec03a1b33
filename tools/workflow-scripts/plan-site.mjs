#!/usr/bin/env node
// provision.yml, plan job, step "Plan": makes the plan the apply job will carry out — `wbp plan`
// against the org with the plan environment's read-only token, or, for an automatic continuation,
// the plan of the run it resumes from (downloaded by the workflow into REUSE_DIR) — checks it
// belongs to this CSV and environment, and writes it to the job summary, where a prod reviewer
// reads it before approving the apply job. Exits 1 when there is no usable plan.
//
// Environment (all strings; '' when unset):
//   CSV, CSV_SHA256, ENVIRONMENT   from the Prepare step / the dispatch (ENVIRONMENT is also wbp's)
//   PLAN_DIR          where the plan goes (uploaded as the plan artifact); default wbp-plan
//   PLAN_ENVIRONMENT  the GitHub environment whose secrets the job holds, e.g. prod-plan (for hints)
//   REUSE_DIR         a downloaded plan artifact to reuse ('' = run wbp plan)
//   REUSED_FROM_RUN   the run REUSE_DIR came from
//   WEBEX_TOKEN / WEBEX_REFRESH_TOKEN / …   passed on to wbp plan (only their presence is checked here)
//   WBP_BIN           (tests) a script run with node instead of packages/runner/bin/wbp.mjs
//   GITHUB_WORKSPACE, GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY
// Outputs: outcome (changes | no-changes | failed), changes, apply (true | false), plan_sha256,
//   plan_created_at, plan_source (fresh | reused).
import { resolve } from 'node:path';
import { annotate, appendSummary, isMain, mdCell, setOutputs } from './lib/actions.mjs';
import {
  capMarkdown,
  copyPlanFiles,
  judgePlanExit,
  PlanFileError,
  planMismatch,
  planOverview,
  readPlan,
  readPlanMarkdown,
  rowsNotSucceeding,
  runWbpPlan,
  SUMMARY_BUDGET_BYTES,
} from './lib/plan.mjs';

const hasCredentials = (env) => String(env.WEBEX_TOKEN ?? '').trim() !== '' || String(env.WEBEX_REFRESH_TOKEN ?? '').trim() !== '';

/**
 * The plan of this run: reused or made, read and checked.
 * @returns {{ok: true, source: 'fresh' | 'reused', notes: string[], plan: any, sha256: string, judged: ReturnType<typeof judgePlanExit>}
 *         | {ok: false, notes: string[], meaning: string, action: string, status?: number}}
 */
export function makePlan(env, deps = {}) {
  const root = env.GITHUB_WORKSPACE || process.cwd();
  const dir = resolve(root, env.PLAN_DIR || 'wbp-plan');
  const expect = { csvSha256: env.CSV_SHA256 ?? '', environment: env.ENVIRONMENT ?? '' };
  const notes = [];

  if (env.REUSE_DIR) {
    const reuseDir = resolve(root, env.REUSE_DIR);
    try {
      const found = readPlan(reuseDir);
      const mismatch = found ? planMismatch(found.plan, expect) : 'it has no plan.json';
      if (!mismatch) {
        copyPlanFiles(reuseDir, dir);
        const copied = readPlan(dir);
        if (copied) {
          const outcome = copied.plan.changes > 0 ? 'changes' : 'no-changes';
          return {
            ok: true,
            source: 'reused',
            notes,
            plan: copied.plan,
            sha256: copied.sha256,
            judged: { outcome, status: undefined, meaning: 'plan reused', action: '' },
          };
        }
      }
      notes.push(`The plan of run ${env.REUSED_FROM_RUN || '?'} cannot be reused (${mismatch}): planning afresh.`);
    } catch (err) {
      if (!(err instanceof PlanFileError)) throw err;
      notes.push(`The plan of run ${env.REUSED_FROM_RUN || '?'} cannot be reused (${err.message}): planning afresh.`);
    }
  }

  const planEnvironment = env.PLAN_ENVIRONMENT ?? '';
  if (!hasCredentials(env)) {
    return {
      ok: false,
      notes,
      meaning: `no Webex credentials: the \`${planEnvironment || '?'}\` environment has no WEBEX_TOKEN (or WEBEX_REFRESH_TOKEN) secret`,
      action: `An admin creates the \`${planEnvironment || '?'}\` environment with a read-only token of the ${expect.environment || '?'} org (docs/operator-guide.md, "Set-up for plan, review, apply"), then dispatch again.`,
    };
  }
  const status = runWbpPlan({ csv: env.CSV ?? '', dir, env, cwd: root, spawn: deps.spawn });
  let found;
  try {
    found = readPlan(dir);
  } catch (err) {
    if (!(err instanceof PlanFileError)) throw err;
    return {
      ok: false,
      notes,
      meaning: `wbp plan wrote an unreadable plan: ${err.message}`,
      action: 'A wbp bug: tell the maintainers, with the step log.',
    };
  }
  const judged = judgePlanExit({ status, planWritten: found !== undefined, planEnvironment });
  if (judged.outcome === 'failed' || !found)
    return { ok: false, notes, meaning: judged.meaning, action: judged.action, status: judged.status };
  const mismatch = planMismatch(found.plan, expect);
  if (mismatch)
    return {
      ok: false,
      notes,
      meaning: `wbp plan wrote a plan for something else: ${mismatch}`,
      action: 'A wbp or workflow bug: tell the maintainers, with the step log.',
    };
  return { ok: true, source: 'fresh', notes, plan: found.plan, sha256: found.sha256, judged };
}

/** Whether the apply job runs: only when the plan has something to change. */
export function shouldApply(result) {
  return result.ok && (result.judged.outcome === 'changes' || result.plan.changes > 0);
}

function nextSteps(env, result) {
  const environment = env.ENVIRONMENT ?? '';
  const artifact = env.PLAN_ARTIFACT ? ` (artifact \`${mdCell(env.PLAN_ARTIFACT)}\`: plan.csv lists every row)` : '';
  if (!shouldApply(result)) {
    const stuck = rowsNotSucceeding(result.plan);
    return [
      `**Nothing to change: the apply job is skipped.** The ${mdCell(environment)} org already matches the CSV` +
        (stuck > 0
          ? `, except ${stuck} row(s) the plan expects to end pending or rejected (see the reasons above; fix their causes, then dispatch again).`
          : '.'),
    ];
  }
  const lines = [];
  if (environment === 'prod') {
    lines.push(
      `**Next: the apply job waits for a reviewer of the \`prod\` environment.** Reviewers: read this plan${artifact} first, then *Review deployments* → *Approve and deploy*, or *Reject* if it is not the change you expect.`,
    );
  } else {
    lines.push(`**Next: the apply job carries out this plan in ${mdCell(environment)}.**`);
  }
  lines.push(
    '',
    `\`wbp run\` applies it only to CSV content sha256 \`${mdCell(result.plan.csvSha256)}\` in ${mdCell(result.plan.environment)}: for any other CSV it refuses before sending anything.`,
  );
  return lines;
}

/** The job-summary section. */
export function planMarkdown(env, result) {
  const server = env.GITHUB_SERVER_URL || 'https://github.com';
  const repo = env.GITHUB_REPOSITORY ?? '';
  const lines = ['## Plan', ''];
  for (const note of result.notes) lines.push(`⚠️ ${mdCell(note)}`, '');
  if (!result.ok) {
    lines.push(
      `**No plan: ${mdCell(result.meaning)}**`,
      '',
      `What to do: ${result.action}`,
      '',
      'Nothing was applied: the apply job does not run without a plan.',
      '',
    );
    return `${lines.join('\n')}\n`;
  }
  if (result.source === 'reused') {
    const run = env.REUSED_FROM_RUN ?? '';
    lines.push(
      `Automatic continuation: this run carries on with the plan of [run ${mdCell(run)}](${server}/${repo}/actions/runs/${mdCell(run)}) — the change set this chain started with. Rows that run already finished are skipped by the checkpoint; no new plan was made.`,
      '',
    );
  }
  lines.push(...planOverview(result.plan), '', ...nextSteps(env, result), '');
  return `${lines.join('\n')}\n`;
}

/** @returns {Promise<number>} the exit code: 1 when there is no usable plan */
export async function main(env = process.env, deps = {}) {
  const result = makePlan(env, deps);
  const apply = shouldApply(result);
  setOutputs({
    outcome: result.ok ? result.judged.outcome : 'failed',
    changes: result.ok ? result.plan.changes : '',
    apply: String(apply),
    plan_sha256: result.ok ? result.sha256 : '',
    plan_created_at: result.ok ? String(result.plan.createdAt ?? '') : '',
    plan_source: result.ok ? result.source : '',
  });
  let markdown = planMarkdown(env, result);
  if (result.ok) {
    const root = env.GITHUB_WORKSPACE || process.cwd();
    const planMd = readPlanMarkdown(resolve(root, env.PLAN_DIR || 'wbp-plan'));
    const room = SUMMARY_BUDGET_BYTES - Buffer.byteLength(markdown, 'utf8');
    if (planMd)
      markdown += `\n${capMarkdown(planMd, room, 'The plan is cut here to fit the job summary: the whole plan.md and plan.csv are in the plan artifact.')}\n`;
  }
  await appendSummary(markdown);
  if (!result.ok) {
    annotate('error', `${result.meaning}. ${result.action}`, { title: 'wbp plan: no plan' });
    return 1;
  }
  const stuck = rowsNotSucceeding(result.plan);
  const what = apply
    ? `${result.plan.changes} change(s) planned`
    : `nothing to change; apply skipped${stuck > 0 ? `; ${stuck} row(s) would end pending or rejected` : ''}`;
  annotate(
    !apply && stuck > 0 ? 'warning' : 'notice',
    `${what} (${result.source === 'reused' ? `plan of run ${env.REUSED_FROM_RUN ?? '?'}` : 'fresh plan'}).`,
    { title: 'wbp plan' },
  );
  return 0;
}

if (isMain(import.meta.url)) process.exitCode = await main();
