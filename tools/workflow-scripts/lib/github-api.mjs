// Read-only calls to the GitHub REST API with the job's GITHUB_TOKEN (needs `actions: read`):
// find the earlier run whose artifact a provision run resumes from.

export class PlanError extends Error {
  name = 'PlanError';
}

/**
 * @param {{apiUrl: string, repository: string, token: string, fetch: typeof fetch}} ctx
 * @param {string} path  starting with /
 * @returns {Promise<{status: 404} | {status: 200, body: any}>}
 */
async function getJson(ctx, path) {
  const url = `${ctx.apiUrl.replace(/\/$/, '')}${path}`;
  let response;
  try {
    response = await ctx.fetch(url, {
      headers: {
        Accept: 'application/vnd.github+json',
        Authorization: `Bearer ${ctx.token}`,
        'X-GitHub-Api-Version': '2022-11-28',
        'User-Agent': 'wbp-workflow-scripts',
      },
      signal: AbortSignal.timeout(30_000),
    });
  } catch (err) {
    throw new PlanError(`GitHub API GET ${path} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (response.status === 404) return { status: 404 };
  if (!response.ok) {
    const text = await response.text().catch(() => '');
    const hint = response.status === 403 || response.status === 401 ? ' (does the job have `permissions: actions: read`?)' : '';
    throw new PlanError(`GitHub API GET ${path} answered HTTP ${response.status}${hint}: ${text.slice(0, 200)}`);
  }
  return { status: 200, body: await response.json() };
}

const newestFirst = (a, b) => String(b.created_at ?? '').localeCompare(String(a.created_at ?? '')) || Number(b.id ?? 0) - Number(a.id ?? 0);

/**
 * The checkpoint artifact one attempt of a run uploads: `<base>-attempt<N>`, N = github.run_attempt.
 * A re-run attempt never overwrites the artifact of an earlier attempt, and resuming picks the latest.
 */
export function attemptArtifactName(base, attempt) {
  return `${base}-attempt${attempt}`;
}

/** The attempt an artifact named after `base` belongs to (0 for the bare name older runs uploaded), or undefined when it is another artifact. */
export function attemptOf(name, base) {
  if (name === base) return 0;
  const match = /^-attempt([1-9]\d{0,5})$/.exec(String(name).startsWith(base) ? String(name).slice(base.length) : '');
  return match ? Number(match[1]) : undefined;
}

/** Only provision runs on main may write a checkpoint another run resumes from (the workflow refuses other branches). */
const fromMain = (a) => a.workflow_run?.head_branch === undefined || a.workflow_run.head_branch === 'main';

/** The checkpoint to resume from among a run's artifacts: live, of `base`, the latest attempt first. */
export function latestAttempt(artifacts, base, { below } = {}) {
  return artifacts
    .map((a) => ({ a, attempt: attemptOf(a.name, base) }))
    .filter(({ a, attempt }) => attempt !== undefined && a.expired !== true && fromMain(a) && (below === undefined || attempt < below))
    .sort((x, y) => y.attempt - x.attempt || newestFirst(x.a, y.a))[0];
}

/** How many pages of the repository's artifact list (100 each, newest first) `resume=latest` reads at most. */
export const LATEST_PAGES = 10;

const found = (runId, hit) => ({
  runId: String(runId),
  artifactId: String(hit.a.id),
  artifactName: String(hit.a.name),
  attempt: hit.attempt,
  createdAt: String(hit.a.created_at ?? ''),
});

/**
 * Which run (and which of its artifacts) to resume from.
 * @param {{apiUrl: string, repository: string, token: string, fetch: typeof fetch}} ctx
 * @param {{resume: string, artifact: string, environment: string, csvSha256: string}} want
 *   resume: '' (fresh), 'latest', or a run id; artifact: the base name `wbp-<environment>-<csv sha256>`.
 * @returns {Promise<{runId: string, artifactId: string, artifactName: string, attempt: number, createdAt: string}>} runId '' = fresh run
 */
export async function resolveResume(ctx, want) {
  const { resume, artifact } = want;
  if (resume === '') return { runId: '', artifactId: '', artifactName: '', attempt: 0, createdAt: '' };
  if (!ctx.token) throw new PlanError('resuming needs GITHUB_TOKEN (the job token) to look up artifacts');
  const repo = ctx.repository;

  if (resume === 'latest') {
    // The list is newest first and cannot filter by prefix: the first page holding this CSV's
    // checkpoints holds the newest of them.
    let expired = 0;
    for (let page = 1; page <= LATEST_PAGES; page++) {
      const listed = await getJson(ctx, `/repos/${repo}/actions/artifacts?per_page=100&page=${page}`);
      const all = listed.status === 200 && Array.isArray(listed.body?.artifacts) ? listed.body.artifacts : [];
      const mine = all.filter((a) => attemptOf(a.name, artifact) !== undefined && a.workflow_run?.id !== undefined);
      expired += mine.filter((a) => a.expired === true).length;
      const live = mine.filter((a) => a.expired !== true && fromMain(a)).sort(newestFirst)[0];
      if (live) {
        const run = mine.filter((a) => a.workflow_run.id === live.workflow_run.id);
        return found(live.workflow_run.id, latestAttempt(run, artifact));
      }
      if (all.length < 100) break;
    }
    throw new PlanError(
      `resume=latest: no artifact named ${artifact}(-attempt<N>) is left in ${repo}` +
        (expired > 0 ? ` (${expired} expired)` : '') +
        `: no earlier run provisioned this exact CSV content in ${want.environment}, or its artifact expired. ` +
        'Dispatch with resume empty for a fresh run (rows already done are looked up, not created twice).',
    );
  }

  if (!/^[1-9]\d{0,19}$/.test(resume)) {
    throw new PlanError(`resume must be empty (fresh run), 'latest', or a workflow run id (digits), not ${JSON.stringify(resume)}`);
  }
  const run = await getJson(ctx, `/repos/${repo}/actions/runs/${resume}/artifacts?per_page=100`);
  if (run.status === 404) throw new PlanError(`resume=${resume}: there is no workflow run ${resume} in ${repo}`);
  const artifacts = Array.isArray(run.body?.artifacts) ? run.body.artifacts : [];
  const live = latestAttempt(artifacts, artifact);
  if (live) return found(resume, live);
  const mine = artifacts.filter((a) => attemptOf(a.name, artifact) !== undefined).sort(newestFirst);
  if (mine.length > 0) {
    throw new PlanError(
      `resume=${resume}: the artifact ${mine[0].name} of run ${resume} has expired${mine[0].expires_at ? ` (${mine[0].expires_at})` : ''}; dispatch a fresh run (resume empty)`,
    );
  }
  const wbp = artifacts.map((a) => String(a.name)).filter((n) => /^wbp-[a-z]+-[0-9a-f]{64}(?:-attempt\d+)?$/.test(n));
  const sha = (n) => /[0-9a-f]{64}/.exec(n)?.[0] ?? '';
  const sameEnv = wbp.filter((n) => n.startsWith(`wbp-${want.environment}-`));
  const sameCsv = wbp.filter((n) => sha(n) === want.csvSha256);
  let why;
  if (sameEnv.length > 0) {
    why = `that run provisioned different CSV content (sha256 ${sha(sameEnv[0]).slice(0, 12)}…, this CSV is ${want.csvSha256.slice(0, 12)}…): the CSV changed since, so its checkpoint cannot be used. Dispatch a fresh run (resume empty)`;
  } else if (sameCsv.length > 0) {
    why = `that run was for environment ${sameCsv[0].split('-')[1]}, not ${want.environment}; a checkpoint never crosses environments`;
  } else if (artifacts.length === 0) {
    why = 'that run has no artifacts (it failed before the provision step, or it is not a provision run)';
  } else {
    why = `that run has no wbp artifact (it has: ${artifacts.map((a) => a.name).join(', ')})`;
  }
  throw new PlanError(`resume=${resume}: run ${resume} has no artifact named ${artifact}(-attempt<N>): ${why}`);
}

/**
 * The artifacts of one run (all its attempts), or [] when the run is gone.
 * @param {{apiUrl: string, repository: string, token: string, fetch: typeof fetch}} ctx
 */
export async function runArtifacts(ctx, runId) {
  const run = await getJson(ctx, `/repos/${ctx.repository}/actions/runs/${runId}/artifacts?per_page=100`);
  return run.status === 200 && Array.isArray(run.body?.artifacts) ? run.body.artifacts : [];
}

/**
 * The deployment reviews of a run: [{state: 'approved'|'rejected', user: {login}, environments: [{name}]}].
 * @param {{apiUrl: string, repository: string, token: string, fetch: typeof fetch}} ctx
 */
export async function runApprovals(ctx, runId) {
  const answer = await getJson(ctx, `/repos/${ctx.repository}/actions/runs/${runId}/approvals`);
  return answer.status === 200 && Array.isArray(answer.body) ? answer.body : [];
}

/**
 * The newest runs of a workflow (one page of 100): [{id, status, display_title, run_attempt, event, actor}].
 * @param {{apiUrl: string, repository: string, token: string, fetch: typeof fetch}} ctx
 */
export async function workflowRuns(ctx, workflowFile) {
  const answer = await getJson(ctx, `/repos/${ctx.repository}/actions/workflows/${encodeURIComponent(workflowFile)}/runs?per_page=100`);
  return answer.status === 200 && Array.isArray(answer.body?.workflow_runs) ? answer.body.workflow_runs : [];
}

/**
 * The newest unexpired artifact called `name` in run `runId`, or undefined (none, expired, or the run
 * is gone). Used to find the plan an automatic continuation reuses.
 * @param {{apiUrl: string, repository: string, token: string, fetch: typeof fetch}} ctx
 * @returns {Promise<undefined | {artifactId: string, createdAt: string}>}
 */
export async function findRunArtifact(ctx, runId, name) {
  if (!ctx.token || !/^[1-9]\d{0,19}$/.test(String(runId))) return undefined;
  const run = await getJson(ctx, `/repos/${ctx.repository}/actions/runs/${runId}/artifacts?name=${encodeURIComponent(name)}&per_page=100`);
  if (run.status === 404) return undefined;
  const artifacts = Array.isArray(run.body?.artifacts) ? run.body.artifacts : [];
  const live = artifacts.filter((a) => a.name === name && a.expired !== true).sort(newestFirst)[0];
  return live ? { artifactId: String(live.id), createdAt: String(live.created_at ?? '') } : undefined;
}
