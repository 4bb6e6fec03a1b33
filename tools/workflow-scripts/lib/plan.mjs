// `wbp plan` as the workflows use it: run it, tell its exit statuses apart, read plan.json, check it
// belongs to the CSV and environment at hand, and turn it into job-summary Markdown.
//
// The contract (`wbp plan <csv> --out <dir> --format github --detailed-exitcode`):
//   0  plan written, nothing to change
//   2  plan written, changes planned — but 2 is also wbp's usage-error status, so "plan written"
//      is decided by whether plan.json exists (the caller removes any old one first)
//   other statuses: as `wbp run` (20 configuration/start-up checks failed, 70 internal error, …)
// plan.json: { csv, csvSha256, environment, createdAt, counts: { byAction, byExpectedStatus, byReason },
//              licences: [...], changes: <number> }
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { mdCell } from './actions.mjs';
import { RUN_EXIT, RUN_EXIT_STATUSES } from './exit-status.mjs';

/** What `wbp plan` writes into its folder, and what the plan artifact carries. */
export const PLAN_FILES = ['plan.json', 'plan.md', 'plan.csv', 'ready_to_load.csv', 'rejected_rows.csv'];

/** A job summary step may hold 1 MiB; the plan gets at most this much of it. */
export const SUMMARY_BUDGET_BYTES = 900 * 1024;

export class PlanFileError extends Error {
  name = 'PlanFileError';
}

/** Removes what an earlier `wbp plan` left in `dir`, so a plan.json found afterwards is this one's. */
export function clearPlanDir(dir) {
  mkdirSync(dir, { recursive: true });
  for (const file of PLAN_FILES) rmSync(join(dir, file), { force: true });
}

/** Copies the plan files that exist from one folder to another (a reused plan). */
export function copyPlanFiles(from, to) {
  clearPlanDir(to);
  const copied = [];
  for (const file of PLAN_FILES) {
    if (existsSync(join(from, file))) {
      copyFileSync(join(from, file), join(to, file));
      copied.push(file);
    }
  }
  return copied;
}

const isCountMap = (v) =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((n) => Number.isFinite(Number(n)));

/**
 * plan.json of `dir`: undefined when there is none; PlanFileError when it is not a plan.
 * @returns {undefined | {plan: any, sha256: string}}
 */
export function readPlan(dir) {
  const path = join(dir, 'plan.json');
  if (!existsSync(path)) return undefined;
  const bytes = readFileSync(path);
  let plan;
  try {
    plan = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new PlanFileError(`${path} is not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  const problems = [];
  if (plan === null || typeof plan !== 'object' || Array.isArray(plan)) problems.push('not an object');
  else {
    if (typeof plan.csvSha256 !== 'string' || !/^[0-9a-f]{64}$/.test(plan.csvSha256)) problems.push('csvSha256 is not a sha256');
    if (typeof plan.environment !== 'string' || plan.environment === '') problems.push('environment is missing');
    if (!Number.isInteger(plan.changes) || plan.changes < 0) problems.push('changes is not a whole number');
    const counts = plan.counts;
    if (counts === null || typeof counts !== 'object') problems.push('counts is missing');
    else
      for (const k of ['byAction', 'byExpectedStatus', 'byReason'])
        if (!isCountMap(counts[k])) problems.push(`counts.${k} is not a map of counts`);
    if (plan.licences !== undefined && !Array.isArray(plan.licences)) problems.push('licences is not a list');
  }
  if (problems.length > 0) throw new PlanFileError(`${path} is not a wbp plan: ${problems.join('; ')}`);
  return { plan, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** Why this plan cannot be applied to this CSV in this environment; undefined when it can. */
export function planMismatch(plan, { csvSha256, environment }) {
  if (csvSha256 && plan.csvSha256 !== csvSha256) {
    return `the plan was made for CSV content sha256 ${plan.csvSha256.slice(0, 12)}…, this CSV is ${csvSha256.slice(0, 12)}…`;
  }
  if (environment && plan.environment !== environment) return `the plan was made for environment ${plan.environment}, not ${environment}`;
  return undefined;
}

/**
 * What a `wbp plan --detailed-exitcode` exit status means.
 * @param {{status: string, planWritten: boolean, planEnvironment?: string}} input
 *   status: the exit status as text ('' when the process reported none, e.g. killed by a signal);
 *   planWritten: whether plan.json exists after the run; planEnvironment: the GitHub environment
 *   whose secrets the job holds (named in the hints).
 * @returns {{outcome: 'changes' | 'no-changes' | 'failed', status: number | undefined, meaning: string, action: string}}
 */
export function judgePlanExit({ status, planWritten, planEnvironment = '' }) {
  const trimmed = String(status ?? '').trim();
  const env = planEnvironment ? `the \`${planEnvironment}\` environment` : 'the job’s environment';
  if (!/^\d+$/.test(trimmed)) {
    return {
      outcome: 'failed',
      status: undefined,
      meaning: 'wbp plan stopped without an exit status (cancelled, step timeout or runner lost)',
      action: 'Dispatch again; a plan only reads, so nothing needs cleaning up.',
    };
  }
  const code = Number(trimmed);
  if (code === 0 && planWritten) return { outcome: 'no-changes', status: 0, meaning: 'plan written: nothing to change', action: '' };
  if (code === 2 && planWritten) return { outcome: 'changes', status: 2, meaning: 'plan written: changes planned', action: '' };
  if (code === 0) {
    return {
      outcome: 'failed',
      status: 0,
      meaning: 'wbp plan exited 0 but wrote no plan.json',
      action: 'A wbp bug or a wrong --out folder in the workflow: tell the maintainers, with the step log.',
    };
  }
  if (code === 2) {
    return {
      outcome: 'failed',
      status: 2,
      meaning: 'usage mistake: wbp plan refused its arguments (no plan.json written)',
      action:
        'The workflow called wbp plan with arguments it does not accept: a workflow bug (or a wbp without the plan command). Tell the maintainers, with the step log.',
    };
  }
  if (code === RUN_EXIT.configOrStartupFailed && planWritten) {
    // wbp plan writes its plan, then exits 20, when some rows could not be read: the token works.
    return {
      outcome: 'failed',
      status: 20,
      meaning: 'incomplete plan: some rows could not be planned because a read failed (plan.md lists them)',
      action: `Plan again; if it repeats, check Webex's status and that the token of ${env} has every read scope.`,
    };
  }
  if (code === RUN_EXIT.configOrStartupFailed) {
    return {
      outcome: 'failed',
      status: 20,
      meaning: 'configuration or start-up checks failed; nothing was planned',
      action: `Read the step log (the first line of stderr says why): usually ${env} has no WEBEX_TOKEN secret, or the token expired, belongs to another org or lacks the read scopes. Fix the secret, then run again.`,
    };
  }
  if (code > 128) {
    return {
      outcome: 'failed',
      status: code,
      meaning: `wbp plan was killed by signal ${code - 128} (cancelled or step timeout)`,
      action: 'Run again; a plan only reads. If the step timed out, the site is larger than the plan step allows: tell the maintainers.',
    };
  }
  const known = RUN_EXIT_STATUSES[code];
  if (known?.conclusion === 'failure') {
    return {
      outcome: 'failed',
      status: code,
      meaning: `wbp plan: ${known.meaning}`,
      action: 'Read the step log of the plan step; fix and run again.',
    };
  }
  return {
    outcome: 'failed',
    status: code,
    meaning: `unexpected exit status ${code} from wbp plan`,
    action: 'Read the step log of the plan step; if it is not explained there, tell the maintainers.',
  };
}

/**
 * Runs `wbp plan` for one CSV into `dir` (old plan files removed first) and returns its exit status
 * as text ('' when it was killed by a signal). The job summary is left to the caller, so
 * GITHUB_STEP_SUMMARY is not passed on; everything else (WEBEX_TOKEN, ENVIRONMENT, …) is.
 * @param {{csv: string, dir: string, env: Record<string, string | undefined>, cwd?: string, spawn?: typeof spawnSync}} opts
 */
export function runWbpPlan({ csv, dir, env, cwd, spawn = spawnSync }) {
  clearPlanDir(dir);
  const args = ['plan', csv, '--out', dir, '--format', 'github', '--detailed-exitcode'];
  const childEnv = { ...env };
  delete childEnv.GITHUB_STEP_SUMMARY;
  // The bin file itself, started by node: npx would turn a signal's exit status into its own.
  const bin = env.WBP_BIN || join(cwd ?? process.cwd(), 'packages', 'runner', 'bin', 'wbp.mjs');
  const [command, commandArgs] = [process.execPath, [bin, ...args]];
  const result = spawn(command, commandArgs, { cwd, env: childEnv, stdio: 'inherit' });
  if (result.error) throw result.error;
  return result.status === null ? '' : String(result.status);
}

const sortedCounts = (map) =>
  Object.entries(map ?? {})
    .map(([k, v]) => [k, Number(v)])
    .filter(([, v]) => v > 0)
    .sort((a, b) => b[1] - a[1] || String(a[0]).localeCompare(String(b[0])));

const inline = (map) => {
  const entries = sortedCounts(map);
  return entries.length === 0 ? '—' : entries.map(([k, v]) => `${mdCell(k)} ${v}`).join(', ');
};

/** A short table of what the plan says (the full plan.md follows it in the summary). */
export function planOverview(plan) {
  const licences = Array.isArray(plan.licences) ? plan.licences : [];
  const licenceText =
    licences.length === 0
      ? '—'
      : licences
          .slice(0, 10)
          .map((l) =>
            l !== null && typeof l === 'object'
              ? Object.entries(l)
                  .map(([k, v]) => `${k}: ${v}`)
                  .join(', ')
              : String(l),
          )
          .map(mdCell)
          .join('; ') + (licences.length > 10 ? `; … ${licences.length - 10} more` : '');
  return [
    '| | |',
    '| --- | --- |',
    `| changes | **${plan.changes}** |`,
    `| by action | ${inline(plan.counts?.byAction)} |`,
    `| rows would end | ${inline(plan.counts?.byExpectedStatus)} |`,
    `| by reason | ${inline(plan.counts?.byReason)} |`,
    `| licences | ${licenceText} |`,
    `| CSV sha256 | \`${mdCell(plan.csvSha256)}\` |`,
    `| environment | ${mdCell(plan.environment)} |`,
    `| made at | ${mdCell(plan.createdAt ?? '?')} |`,
  ];
}

/** How many rows the plan expects to end pending or rejected. */
export function rowsNotSucceeding(plan) {
  const by = plan.counts?.byExpectedStatus ?? {};
  return (Number(by.pending) || 0) + (Number(by.rejected) || 0);
}

/** `text` cut to at most `maxBytes` UTF-8 bytes (on a line boundary), with a note when cut. */
export function capMarkdown(text, maxBytes, note) {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const suffix = `\n\n*${note}*\n`;
  const room = Math.max(0, maxBytes - Buffer.byteLength(suffix, 'utf8'));
  let cut = Buffer.from(text, 'utf8').subarray(0, room).toString('utf8');
  if (cut.endsWith('\uFFFD')) cut = cut.slice(0, -1);
  const lastLine = cut.lastIndexOf('\n');
  if (lastLine > 0) cut = cut.slice(0, lastLine);
  return `${cut}${suffix}`;
}

/** plan.md of `dir` ('' when there is none). */
export function readPlanMarkdown(dir) {
  const path = join(dir, 'plan.md');
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}
