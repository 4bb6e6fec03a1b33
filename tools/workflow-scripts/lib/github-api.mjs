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
 * Which run to resume from.
 * @param {{apiUrl: string, repository: string, token: string, fetch: typeof fetch}} ctx
 * @param {{resume: string, artifact: string, environment: string, csvSha256: string}} want
 *   resume: '' (fresh), 'latest', or a run id; artifact: `wbp-<environment>-<csv sha256>`.
 * @returns {Promise<{runId: string, artifactId: string, createdAt: string}>} runId '' = fresh run
 */
export async function resolveResume(ctx, want) {
  const { resume, artifact } = want;
  if (resume === '') return { runId: '', artifactId: '', createdAt: '' };
  if (!ctx.token) throw new PlanError('resuming needs GITHUB_TOKEN (the job token) to look up artifacts');
  const repo = ctx.repository;

  if (resume === 'latest') {
    const found = await getJson(ctx, `/repos/${repo}/actions/artifacts?name=${encodeURIComponent(artifact)}&per_page=100`);
    const all = found.status === 200 && Array.isArray(found.body?.artifacts) ? found.body.artifacts : [];
    const live = all.filter((a) => a.name === artifact && a.expired !== true && a.workflow_run?.id !== undefined).sort(newestFirst);
    const best = live[0];
    if (!best) {
      const expired = all.filter((a) => a.name === artifact && a.expired === true);
      throw new PlanError(
        `resume=latest: no artifact named ${artifact} is left in ${repo}` +
          (expired.length > 0 ? ` (${expired.length} expired)` : '') +
          `: no earlier run provisioned this exact CSV content in ${want.environment}, or its artifact expired. ` +
          'Dispatch with resume empty for a fresh run (rows already done are looked up, not created twice).',
      );
    }
    return { runId: String(best.workflow_run.id), artifactId: String(best.id), createdAt: String(best.created_at ?? '') };
  }

  if (!/^[1-9]\d{0,19}$/.test(resume)) {
    throw new PlanError(`resume must be empty (fresh run), 'latest', or a workflow run id (digits), not ${JSON.stringify(resume)}`);
  }
  const run = await getJson(ctx, `/repos/${repo}/actions/runs/${resume}/artifacts?per_page=100`);
  if (run.status === 404) throw new PlanError(`resume=${resume}: there is no workflow run ${resume} in ${repo}`);
  const artifacts = Array.isArray(run.body?.artifacts) ? run.body.artifacts : [];
  const mine = artifacts.filter((a) => a.name === artifact).sort(newestFirst);
  const live = mine.find((a) => a.expired !== true);
  if (live) return { runId: resume, artifactId: String(live.id), createdAt: String(live.created_at ?? '') };
  if (mine.length > 0) {
    throw new PlanError(
      `resume=${resume}: the artifact ${artifact} of run ${resume} has expired${mine[0].expires_at ? ` (${mine[0].expires_at})` : ''}; dispatch a fresh run (resume empty)`,
    );
  }
  const wbp = artifacts.map((a) => String(a.name)).filter((n) => /^wbp-[a-z]+-[0-9a-f]{64}$/.test(n));
  const sameEnv = wbp.filter((n) => n.startsWith(`wbp-${want.environment}-`));
  const sameCsv = wbp.filter((n) => n.endsWith(`-${want.csvSha256}`));
  let why;
  if (sameEnv.length > 0) {
    why = `that run provisioned different CSV content (sha256 ${sameEnv[0].slice(-64, -52)}…, this CSV is ${want.csvSha256.slice(0, 12)}…): the CSV changed since, so its checkpoint cannot be used. Dispatch a fresh run (resume empty)`;
  } else if (sameCsv.length > 0) {
    why = `that run was for environment ${sameCsv[0].split('-')[1]}, not ${want.environment}; a checkpoint never crosses environments`;
  } else if (artifacts.length === 0) {
    why = 'that run has no artifacts (it failed before the provision step, or it is not a provision run)';
  } else {
    why = `that run has no wbp artifact (it has: ${artifacts.map((a) => a.name).join(', ')})`;
  }
  throw new PlanError(`resume=${resume}: run ${resume} has no artifact named ${artifact}: ${why}`);
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
