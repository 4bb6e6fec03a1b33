#!/usr/bin/env node
// provision.yml, plan job, step "Prepare": checks the dispatch inputs, hashes the CSV, names the
// artifacts, resolves which earlier run to resume from and, for an automatic continuation, whether
// that run's plan is reused. Writes step outputs; on a bad input prints one ::error:: annotation, a
// job-summary line, and exits 1 before anything is downloaded, planned or run.
//
// Environment (all strings):
//   INPUT_CSV, INPUT_ENVIRONMENT, INPUT_RESUME, INPUT_CHAIN_DEPTH, INPUT_TIME_BUDGET  the dispatch inputs
//   VAR_TIME_BUDGET       the TIME_BUDGET repository/environment variable ('' = unset)
//   DEFAULT_TIME_BUDGET   used when neither the input nor the variable is set (default 5h15m)
//   MAX_TIME_BUDGET       the largest budget allowed, below the step timeout (default 5h20m)
//   MAX_CHAIN_DEPTH       the largest chain_depth accepted (default 8)
//   GITHUB_WORKSPACE      the checkout (default: the current directory)
//   WORKFLOW_FILE         this workflow's file name (default provision.yml), for the one-run-per-environment check
//   GITHUB_REPOSITORY, GITHUB_API_URL, GITHUB_TOKEN, GITHUB_SERVER_URL, GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT
//   GITHUB_OUTPUT, GITHUB_STEP_SUMMARY
// Outputs: csv, csv_sha256, artifact (the base name; each attempt uploads <artifact>-attempt<N>),
//   resume_run_id ('' = fresh), resume_artifact (the exact artifact: that run's latest attempt), chain_depth, time_budget,
//   plan_artifact (`wbp-plan-<environment>-<csv sha256>`), plan_from_run (the run whose plan an
//   automatic continuation reuses; '' = run `wbp plan` afresh).
import { createHash } from 'node:crypto';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { posix, relative, resolve, sep } from 'node:path';
import { parseDurationSeconds } from '@wbp/runner/duration';
import { annotate, appendSummary, isMain, mdCell, setOutputs } from './lib/actions.mjs';
import { findRunArtifact, PlanError, resolveResume } from './lib/github-api.mjs';
import { ensureOnlyRun } from './lib/queue-guard.mjs';

export const ENVIRONMENTS = ['lab', 'prod'];

/** `sites/…/name.csv`: letters, digits, `.`, `_`, `-`; no segment starting with a dot (no `..`, no hidden files). */
const CSV_PATH = /^sites\/(?:[A-Za-z0-9_-][A-Za-z0-9._-]*\/)*[A-Za-z0-9_-][A-Za-z0-9._-]*\.csv$/;

/** The site CSV path, normalised and checked: inside `sites/` of the checkout, an existing file. */
export function checkCsvPath(input, root) {
  const raw = String(input ?? '').trim();
  if (raw === '') throw new PlanError('csv is required: the path of a merged site CSV, e.g. sites/madrid.csv');
  const csv = posix.normalize(raw.replace(/^\.\//, ''));
  if (!CSV_PATH.test(csv)) {
    throw new PlanError(`csv must be a path like sites/<name>.csv (letters, digits, '.', '_', '-'; no '..'), not ${JSON.stringify(raw)}`);
  }
  const absolute = resolve(root, csv);
  let stat;
  try {
    stat = statSync(absolute);
  } catch {
    throw new PlanError(`csv ${csv} does not exist on this branch: is the PR that adds it merged?`);
  }
  if (!stat.isFile()) throw new PlanError(`csv ${csv} is not a file`);
  const real = relative(realpathSync(resolve(root, 'sites')), realpathSync(absolute));
  if (real.startsWith('..') || real.split(sep)[0] === '..') throw new PlanError(`csv ${csv} points outside sites/`);
  return csv;
}

export function sha256OfFile(path) {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** The artifact every run of this CSV content in this environment uploads (and resumes from). */
export function artifactName(environment, csvSha256) {
  return `wbp-${environment}-${csvSha256}`;
}

/** The artifact holding the plan (plan.json, plan.md, plan.csv, the validation files) of a run. */
export function planArtifactName(environment, csvSha256) {
  return `wbp-plan-${environment}-${csvSha256}`;
}

function checkTimeBudget(env) {
  const max = env.MAX_TIME_BUDGET || '5h20m';
  const maxSeconds = parseDurationSeconds(max);
  if (maxSeconds === undefined) throw new PlanError(`MAX_TIME_BUDGET ${JSON.stringify(max)} is not a duration`);
  const [source, value] = [
    ['input time_budget', env.INPUT_TIME_BUDGET],
    ['variable TIME_BUDGET', env.VAR_TIME_BUDGET],
    ['default', env.DEFAULT_TIME_BUDGET || '5h15m'],
  ].find(([, v]) => String(v ?? '').trim() !== '');
  const budget = String(value).trim();
  const seconds = parseDurationSeconds(budget);
  if (seconds === undefined || seconds === 0)
    throw new PlanError(`time budget (${source}) ${JSON.stringify(budget)} must look like 5h15m, 90m or 45s`);
  if (seconds > maxSeconds) {
    throw new PlanError(
      `time budget (${source}) ${budget} is more than ${max}: the run must stop before the step timeout so its checkpoint is uploaded`,
    );
  }
  return budget;
}

function checkChainDepth(env) {
  const max = Number(env.MAX_CHAIN_DEPTH || '8');
  const raw = String(env.INPUT_CHAIN_DEPTH ?? '').trim() || '0';
  const depth = Number(raw);
  if (!Number.isInteger(depth) || depth < 0) throw new PlanError(`chain_depth must be a whole number ≥ 0, not ${JSON.stringify(raw)}`);
  if (depth > max)
    throw new PlanError(`chain_depth ${depth} is over the limit of ${max} automatic continuations; resume by hand with chain_depth 0`);
  return depth;
}

/**
 * Everything the provision job needs before it downloads or runs anything.
 * @param {Record<string, string | undefined>} env
 * @param {{fetch: typeof fetch}} deps
 */
export async function planRun(env, deps) {
  const environment = String(env.INPUT_ENVIRONMENT ?? '').trim();
  if (!ENVIRONMENTS.includes(environment)) throw new PlanError(`environment must be lab or prod, not ${JSON.stringify(environment)}`);
  const root = env.GITHUB_WORKSPACE || process.cwd();
  const csv = checkCsvPath(env.INPUT_CSV, root);
  const csvSha256 = sha256OfFile(resolve(root, csv));
  const artifact = artifactName(environment, csvSha256);
  const chainDepth = checkChainDepth(env);
  const timeBudget = checkTimeBudget(env);
  const resume = String(env.INPUT_RESUME ?? '').trim();
  const api = {
    apiUrl: env.GITHUB_API_URL || 'https://api.github.com',
    repository: env.GITHUB_REPOSITORY ?? '',
    token: env.GITHUB_TOKEN ?? '',
    fetch: deps.fetch,
  };
  // Before anything else touches the org: no other run of this environment may be under way.
  const { waitedSeconds } = await ensureOnlyRun(api, {
    workflowFile: env.WORKFLOW_FILE || 'provision.yml',
    runId: env.GITHUB_RUN_ID ?? '',
    runAttempt: Number(env.GITHUB_RUN_ATTEMPT || '1'),
    environment,
    continuation: chainDepth > 0,
    sleep: deps.sleep,
    log: deps.log,
  });
  const from = await resolveResume(api, { resume, artifact, environment, csvSha256 });
  const planArtifact = planArtifactName(environment, csvSha256);
  // An automatic continuation carries on with the change set the chain's first run planned (and,
  // in prod, a reviewer approved): it reuses the plan the run it resumes from applied, if that run
  // still has it. A fresh dispatch, or a resume by hand, plans afresh against the org as it is now.
  let planFrom = { runId: '', createdAt: '' };
  if (chainDepth > 0 && from.runId !== '') {
    const found = await findRunArtifact(api, from.runId, planArtifact);
    if (found) planFrom = { runId: from.runId, createdAt: found.createdAt };
  }
  return {
    csv,
    csvSha256,
    environment,
    artifact,
    planArtifact,
    resume,
    resumeRunId: from.runId,
    resumeArtifactName: from.artifactName,
    resumeArtifactCreatedAt: from.createdAt,
    planFromRunId: planFrom.runId,
    planFromCreatedAt: planFrom.createdAt,
    chainDepth,
    timeBudget,
    waitedSeconds,
  };
}

function planSource(plan, runUrl) {
  if (plan.planFromRunId !== '') {
    return `reused from run [${plan.planFromRunId}](${runUrl(plan.planFromRunId)}) (the change set this chain started with${plan.planFromCreatedAt ? `, artifact of ${plan.planFromCreatedAt}` : ''})`;
  }
  if (plan.chainDepth > 0 && plan.resumeRunId !== '') return `\`wbp plan\` afresh (run ${plan.resumeRunId} has no plan artifact left)`;
  return '`wbp plan` afresh against the org';
}

function planSummary(plan, env) {
  const runUrl = (id) => `${env.GITHUB_SERVER_URL || 'https://github.com'}/${env.GITHUB_REPOSITORY ?? ''}/actions/runs/${id}`;
  const start =
    plan.resumeRunId === ''
      ? 'fresh run (no checkpoint)'
      : `resume from run [${plan.resumeRunId}](${runUrl(plan.resumeRunId)})${plan.resume === 'latest' ? ' (newest artifact of this CSV)' : ''}${plan.resumeArtifactCreatedAt ? `, artifact of ${plan.resumeArtifactCreatedAt}` : ''}`;
  return [
    `# provision \`${mdCell(plan.csv)}\` → ${plan.environment}`,
    '',
    '| | |',
    '| --- | --- |',
    `| CSV | \`${mdCell(plan.csv)}\` |`,
    `| CSV sha256 | \`${plan.csvSha256}\` |`,
    `| environment | ${plan.environment} |`,
    `| start | ${start} |`,
    `| time budget | ${plan.timeBudget} |`,
    `| other runs of ${plan.environment} | none under way${plan.waitedSeconds > 0 ? ` (waited ${plan.waitedSeconds} s for the run this continues to end)` : ''} |`,
    `| automatic continuation | ${plan.chainDepth === 0 ? 'no (first run of a chain)' : `#${plan.chainDepth}`} |`,
    `| plan | ${planSource(plan, runUrl)} |`,
    `| artifacts | \`${plan.planArtifact}\` (the plan), \`${plan.artifact}\` (the run) |`,
    '',
    '',
  ].join('\n');
}

/** @returns {Promise<number>} the exit code */
export async function main(env = process.env, deps = {}) {
  const stdout = deps.stdout ?? ((t) => process.stdout.write(t));
  try {
    const plan = await planRun(env, { fetch: deps.fetch ?? globalThis.fetch, sleep: deps.sleep, log: (line) => stdout(`${line}\n`) });
    setOutputs({
      csv: plan.csv,
      csv_sha256: plan.csvSha256,
      artifact: plan.artifact,
      resume_run_id: plan.resumeRunId,
      resume_artifact: plan.resumeArtifactName,
      chain_depth: plan.chainDepth,
      time_budget: plan.timeBudget,
      plan_artifact: plan.planArtifact,
      plan_from_run: plan.planFromRunId,
    });
    await appendSummary(planSummary(plan, env));
    stdout(
      `plan: ${plan.csv} (sha256 ${plan.csvSha256}) → ${plan.environment}; ` +
        `${plan.resumeRunId ? `resume from run ${plan.resumeRunId}` : 'fresh run'}; ${plan.planFromRunId ? `plan reused from run ${plan.planFromRunId}` : 'plan afresh'}; budget ${plan.timeBudget}; artifact ${plan.artifact}\n`,
    );
    return 0;
  } catch (err) {
    if (!(err instanceof PlanError)) throw err;
    annotate('error', err.message, { title: 'provision: cannot start' });
    await appendSummary(
      `# provision: cannot start\n\n${mdCell(err.message)}\n\nNothing was downloaded or planned and no Webex call was made.\n`,
    );
    return 1;
  }
}

if (isMain(import.meta.url)) process.exitCode = await main();
