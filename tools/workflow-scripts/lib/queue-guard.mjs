// Keeps one provision run per environment without letting GitHub replace a waiting run.
//
// A concurrency group with cancel-in-progress: false lets one run wait, and a newer run in the same
// group cancels the waiting one: a manual dispatch would silently replace a waiting continuation.
// So provision.yml has no workflow-level group; its first step checks the other runs of the
// workflow instead (docs/operator-guide.md, "One run per environment"):
// - a manual dispatch (or any re-run attempt) refuses, loudly, while another run of the same
//   environment has not ended — it never waits and never cancels anything;
// - an automatic continuation waits (bounded) for the runs dispatched before it — its parent, which
//   ends seconds after dispatching it — then goes on;
// - two dispatches at the same moment both see each other: the later run id refuses.
import { PlanError, workflowRuns } from './github-api.mjs';

const TITLE = / → (lab|prod)(?: \((?:resume [^)]*)\))?(?: \[continuation (\d+)\])?$/;

/** What provision.yml's run-name says of a run: its environment and continuation number; undefined when it is not ours. */
export function parseRunTitle(title) {
  const match = TITLE.exec(String(title ?? ''));
  return match ? { environment: match[1], continuation: Number(match[2] ?? 0) } : undefined;
}

function describe(run) {
  const title = parseRunTitle(run.display_title);
  const what = title && title.continuation > 0 ? `automatic continuation #${title.continuation}` : 'a run';
  return `${what} (run ${run.id}, “${run.display_title ?? ''}”, ${run.status})`;
}

/**
 * The runs this one must not overlap: same environment (a run whose title is not ours counts, to be
 * safe), not ended, and dispatched before it (any, for a re-run attempt: its id is old).
 */
async function blockers(ctx, want) {
  const runs = await workflowRuns(ctx, want.workflowFile);
  return runs.filter((r) => {
    if (String(r.id) === String(want.runId) || r.status === 'completed') return false;
    const env = parseRunTitle(r.display_title)?.environment;
    if (env !== undefined && env !== want.environment) return false;
    return want.runAttempt > 1 || Number(r.id) < Number(want.runId);
  });
}

/**
 * Refuses (PlanError) or waits until this run is the only one of its environment.
 * @param {{apiUrl: string, repository: string, token: string, fetch: typeof fetch}} ctx
 * @param {{workflowFile: string, runId: string, runAttempt: number, environment: string, continuation: boolean,
 *          maxWaitSeconds?: number, pollSeconds?: number, sleep?: (ms: number) => Promise<void>, log?: (line: string) => void}} want
 * @returns {Promise<{waitedSeconds: number}>}
 */
export async function ensureOnlyRun(ctx, want) {
  if (!ctx.token) throw new PlanError('checking for other provision runs needs GITHUB_TOKEN (the job token, actions: read)');
  const { maxWaitSeconds = 900, pollSeconds = 15, sleep = (ms) => new Promise((done) => setTimeout(done, ms)), log = () => {} } = want;
  const waits = want.continuation && want.runAttempt === 1;
  let waited = 0;
  for (;;) {
    const found = await blockers(ctx, want);
    if (found.length === 0) return { waitedSeconds: waited };
    const list = found.map(describe).join('; ');
    if (!waits) {
      throw new PlanError(
        `another provision run of ${want.environment} has not ended: ${list}. Nothing was done and nothing was cancelled. ` +
          'Dispatching now would either run two provisions of one org at once or make GitHub cancel the one that is waiting. ' +
          'Dispatch again once it has ended (or cancel it on purpose first; a cancelled run is resumed with resume = its run id).',
      );
    }
    if (waited >= maxWaitSeconds) {
      throw new PlanError(
        `this automatic continuation waited ${waited} s for ${list} to end, and it has not: nothing was done. ` +
          'Resume by hand (resume = the run this continues) once that run has ended.',
      );
    }
    log(`waiting for ${list} to end (${waited} s so far)`);
    await sleep(pollSeconds * 1000);
    waited += pollSeconds;
  }
}
