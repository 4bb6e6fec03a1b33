#!/usr/bin/env node
// provision.yml, apply job, step "Pick the checkpoint": which artifact this attempt resumes from, and
// the name this attempt uploads under.
//
// Every attempt uploads `<artifact>-attempt<github.run_attempt>`, so "Re-run jobs" never overwrites
// what an earlier attempt uploaded. A re-run attempt resumes from the latest earlier attempt of this
// same run that uploaded a checkpoint (it got further than the checkpoint the run was dispatched
// with); a first attempt resumes from what the plan job found (`resume` input). "Re-run failed
// jobs" re-runs this job without the plan job, so the one-run-per-environment check is repeated
// here for re-run attempts.
//
// Environment: ARTIFACT (base name), RESUME_RUN_ID, RESUME_ARTIFACT (from the plan job), ENVIRONMENT,
//   WORKFLOW_FILE, GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT, GITHUB_REPOSITORY, GITHUB_API_URL, GITHUB_TOKEN,
//   GITHUB_OUTPUT, GITHUB_STEP_SUMMARY
// Outputs: artifact (this attempt's upload name), resume_run_id, resume_artifact ('' = fresh).
import { annotate, appendSummary, isMain, setOutputs } from './lib/actions.mjs';
import { attemptArtifactName, latestAttempt, PlanError, runArtifacts } from './lib/github-api.mjs';
import { ensureOnlyRun } from './lib/queue-guard.mjs';

/**
 * @param {Record<string, string | undefined>} env
 * @param {{fetch: typeof fetch}} deps
 */
export async function pickCheckpoint(env, deps) {
  const base = env.ARTIFACT ?? '';
  if (!/^wbp-[a-z]+-[0-9a-f]{64}$/.test(base)) throw new PlanError(`ARTIFACT ${JSON.stringify(base)} is not a checkpoint artifact name`);
  const attempt = Number(env.GITHUB_RUN_ATTEMPT || '1');
  const runId = env.GITHUB_RUN_ID ?? '';
  const ctx = {
    apiUrl: env.GITHUB_API_URL || 'https://api.github.com',
    repository: env.GITHUB_REPOSITORY ?? '',
    token: env.GITHUB_TOKEN ?? '',
    fetch: deps.fetch,
  };
  const upload = attemptArtifactName(base, attempt);
  const dispatched = { runId: env.RESUME_RUN_ID ?? '', artifact: env.RESUME_ARTIFACT ?? '', from: 'the dispatch (resume input)' };
  if (attempt === 1) return { upload, ...dispatched };
  await ensureOnlyRun(ctx, {
    workflowFile: env.WORKFLOW_FILE || 'provision.yml',
    runId,
    runAttempt: attempt,
    environment: env.ENVIRONMENT ?? '',
    continuation: false,
  });
  const own = latestAttempt(await runArtifacts(ctx, runId), base, { below: attempt });
  if (own) return { upload, runId, artifact: String(own.a.name), from: `attempt ${own.attempt} of this run` };
  return { upload, ...dispatched, from: `${dispatched.from}; no earlier attempt of this run uploaded a checkpoint` };
}

/** @returns {Promise<number>} the exit code */
export async function main(env = process.env, deps = {}) {
  const stdout = deps.stdout ?? ((t) => process.stdout.write(t));
  try {
    const pick = await pickCheckpoint(env, { fetch: deps.fetch ?? globalThis.fetch });
    setOutputs({ artifact: pick.upload, resume_run_id: pick.runId, resume_artifact: pick.artifact });
    const start = pick.runId === '' ? 'a fresh start (no checkpoint)' : `\`${pick.artifact}\` of run ${pick.runId} (${pick.from})`;
    await appendSummary(`**Checkpoint:** ${start}. This attempt uploads \`${pick.upload}\`.\n`);
    stdout(`checkpoint: ${pick.runId === '' ? 'none' : `${pick.artifact} of run ${pick.runId}`}; uploading as ${pick.upload}\n`);
    return 0;
  } catch (err) {
    if (!(err instanceof PlanError)) throw err;
    annotate('error', err.message, { title: 'apply: cannot start' });
    await appendSummary(`# apply: cannot start\n\n${err.message}\n\nNothing was sent to Webex.\n`);
    return 1;
  }
}

if (isMain(import.meta.url)) process.exitCode = await main();
