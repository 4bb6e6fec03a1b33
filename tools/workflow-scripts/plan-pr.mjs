#!/usr/bin/env node
// validate.yml, job "plan against lab", step "Plan": `wbp plan` of every site CSV the PR adds or
// changes, against the lab org, with the read-only token of the `lab-plan` environment. Read-only:
// nothing is sent that changes the org. Annotations (rows that would end pending or rejected) come
// from wbp itself; this script writes the job summary (an overview, then each file's plan.md, within
// the summary's size limit) and a copy of it into the plans folder for the artifact.
// Exits 1 when a plan could not be made.
//
// Environment (all strings; '' when unset):
//   LIST              a file of NUL-separated site CSV paths (relative to the workspace)
//   PLAN_ROOT         where the plans go, one folder per CSV (default wbp-plans)
//   ENVIRONMENT       lab (also what wbp plan reads)
//   PLAN_ENVIRONMENT  the GitHub environment whose secrets the job holds (lab-plan; for hints)
//   ARTIFACT          the artifact the plans are uploaded as (named in the summary)
//   WEBEX_TOKEN / WEBEX_REFRESH_TOKEN / …   passed on to wbp plan
//   WBP_BIN           (tests) a script run with node instead of packages/runner/bin/wbp.mjs
//   GITHUB_WORKSPACE, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY
// Outputs: planned (files with a plan), failed (files without one), changes (total planned changes).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { annotate, appendSummary, inGroup, isMain, mdCell, setOutputs } from './lib/actions.mjs';
import { PlanError } from './lib/github-api.mjs';
import {
  capMarkdown,
  judgePlanExit,
  PlanFileError,
  planMismatch,
  readPlan,
  readPlanMarkdown,
  rowsNotSucceeding,
  runWbpPlan,
  SUMMARY_BUDGET_BYTES,
} from './lib/plan.mjs';
import { checkCsvPath, sha256OfFile } from './plan-run.mjs';

/** Plans one CSV; never throws for a problem of that CSV. */
export function planOne(csvInput, env, deps = {}) {
  const root = env.GITHUB_WORKSPACE || process.cwd();
  let csv;
  try {
    csv = checkCsvPath(csvInput, root);
  } catch (err) {
    if (!(err instanceof PlanError)) throw err;
    return { csv: csvInput, dir: '', ok: false, result: `**not planned**: ${err.message}` };
  }
  const dir = join(env.PLAN_ROOT || 'wbp-plans', csv.replace(/\.csv$/, ''));
  const status = runWbpPlan({ csv, dir: resolve(root, dir), env, cwd: root, spawn: deps.spawn });
  let found;
  try {
    found = readPlan(resolve(root, dir));
  } catch (err) {
    if (!(err instanceof PlanFileError)) throw err;
    return { csv, dir, ok: false, result: `**no plan**: unreadable plan.json (${err.message})` };
  }
  const judged = judgePlanExit({ status, planWritten: found !== undefined, planEnvironment: env.PLAN_ENVIRONMENT ?? '' });
  if (judged.outcome === 'failed' || !found) return { csv, dir, ok: false, result: `**no plan**: ${judged.meaning}. ${judged.action}` };
  const mismatch = planMismatch(found.plan, { csvSha256: sha256OfFile(resolve(root, csv)), environment: env.ENVIRONMENT ?? '' });
  if (mismatch) return { csv, dir, ok: false, result: `**no plan**: wbp plan wrote a plan for something else (${mismatch})` };
  const { plan } = found;
  const stuck = rowsNotSucceeding(plan);
  const result =
    (plan.changes > 0 || judged.outcome === 'changes' ? `${plan.changes} change(s)` : 'nothing to change') +
    (stuck > 0 ? `; ${stuck} row(s) would end pending or rejected` : '');
  return { csv, dir, ok: true, plan, result };
}

function readList(path) {
  return readFileSync(path, 'utf8')
    .split('\0')
    .filter((p) => p !== '');
}

/** @returns {Promise<number>} the exit code: 1 when a plan could not be made */
export async function main(env = process.env, deps = {}) {
  const root = env.GITHUB_WORKSPACE || process.cwd();
  const list = env.LIST ? readList(env.LIST) : [];
  const results = [];
  for (const csv of list) {
    results.push(inGroup(`wbp plan ${csv.replace(/[\r\n]/g, ' ')}`, () => planOne(csv, env, deps)));
  }
  const failed = results.filter((r) => !r.ok);
  const changes = results.reduce((n, r) => n + (r.ok ? r.plan.changes : 0), 0);
  const environment = env.ENVIRONMENT || 'lab';

  const head = [`## Plan against ${mdCell(environment)}`, ''];
  if (results.length === 0) {
    head.push('No site CSV is added or changed by this PR: nothing to plan.', '');
  } else {
    head.push(
      `What \`wbp run\` would do in the ${mdCell(environment)} org, read now with a read-only token (nothing was changed). ` +
        `Rows that would end pending or rejected are annotated on their lines; each file's plan.md and plan.csv are in the **${mdCell(env.ARTIFACT ?? 'plan')}** artifact of this run. ` +
        'Provisioning itself plans again, after the merge, against the org as it is then.',
      '',
      '| file | plan | files in the artifact |',
      '| --- | --- | --- |',
      ...results.map((r) => `| \`${mdCell(r.csv)}\` | ${mdCell(r.result)} | ${r.dir ? `\`${mdCell(r.dir)}/\`` : ''} |`),
      '',
    );
  }
  let markdown = `${head.join('\n')}\n`;
  for (const r of results.filter((x) => x.ok)) {
    const planMd = readPlanMarkdown(resolve(root, r.dir));
    if (!planMd) continue;
    const room = SUMMARY_BUDGET_BYTES - Buffer.byteLength(markdown, 'utf8') - 200;
    if (room < 2000) {
      markdown += `\n*The plans of the remaining files do not fit in the job summary: they are in the artifact.*\n`;
      break;
    }
    markdown += `\n### \`${mdCell(r.csv)}\`\n\n${capMarkdown(planMd, room, 'Cut here to fit the job summary: the whole plan.md and plan.csv are in the artifact.')}\n`;
  }
  await appendSummary(markdown);
  if (results.length > 0) {
    mkdirSync(resolve(root, env.PLAN_ROOT || 'wbp-plans'), { recursive: true });
    writeFileSync(resolve(root, env.PLAN_ROOT || 'wbp-plans', 'summary.md'), markdown);
  }
  setOutputs({ planned: results.length - failed.length, failed: failed.length, changes });
  if (failed.length > 0) {
    annotate(
      'error',
      `${failed.length} of ${results.length} site CSV(s) could not be planned against ${environment}: see the job summary.`,
      { title: 'wbp plan' },
    );
    return 1;
  }
  return 0;
}

if (isMain(import.meta.url)) process.exitCode = await main();
