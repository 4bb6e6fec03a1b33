#!/usr/bin/env node
// provision.yml, apply job, step "Check the approver": a continuation must not be approved by the
// person who dispatched the run it continues.
//
// GitHub's "Prevent self-review" compares the reviewer with the run's actor. An automatic
// continuation is dispatched by the workflow (actor github-actions[bot]), so GitHub would let the
// person who dispatched the chain approve it. This step closes that gap after the approval and
// before anything is sent: the chain's dispatcher is recorded in chain.json inside every checkpoint
// artifact (written here, on main only), and for the environments in PROTECTED_ENVIRONMENTS the
// run's approvals must all come from someone else. Limits: docs/operator-guide.md, "Approvals".
//
// Environment: ENVIRONMENT, PROTECTED_ENVIRONMENTS (comma-separated; default prod), CHAIN_DEPTH,
//   CHAIN_FILE (the downloaded checkpoint's chain.json, rewritten for this run), RESUMED_FROM (for the hint), GITHUB_ACTOR,
//   GITHUB_TRIGGERING_ACTOR, GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT, GITHUB_REPOSITORY, GITHUB_API_URL,
//   GITHUB_TOKEN, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY
// Outputs: dispatched_by. Exits 1 (nothing sent) when the approval is not independent.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { annotate, appendSummary, isMain, setOutputs } from './lib/actions.mjs';
import { PlanError, runApprovals } from './lib/github-api.mjs';

const isBot = (login) => /\[bot\]$/.test(String(login));

function readChain(path) {
  if (!path || !existsSync(path)) return undefined;
  try {
    const chain = JSON.parse(readFileSync(path, 'utf8'));
    return typeof chain?.dispatched_by === 'string' && chain.dispatched_by !== '' ? chain : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Who is accountable for this run, and whether its approval is independent of them.
 * @param {Record<string, string | undefined>} env
 * @param {{fetch: typeof fetch}} deps
 */
export async function checkApprover(env, deps) {
  const environment = env.ENVIRONMENT ?? '';
  const protectedEnvs = (env.PROTECTED_ENVIRONMENTS || 'prod')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  const continuation = Number(env.CHAIN_DEPTH || '0') > 0 && isBot(env.GITHUB_ACTOR);
  const previous = readChain(env.CHAIN_FILE);
  // A person's dispatch is theirs; an automatic continuation inherits the dispatcher of its chain.
  const dispatchedBy = continuation ? (previous?.dispatched_by ?? '') : (env.GITHUB_ACTOR ?? '');
  const accountable = new Set([dispatchedBy, env.GITHUB_TRIGGERING_ACTOR ?? ''].filter((l) => l !== '' && !isBot(l)));
  const chain = {
    dispatched_by: dispatchedBy,
    runs: [
      ...(Array.isArray(previous?.runs) ? previous.runs : []),
      { run_id: env.GITHUB_RUN_ID ?? '', attempt: Number(env.GITHUB_RUN_ATTEMPT || '1') },
    ],
  };
  if (!protectedEnvs.includes(environment)) return { chain, approvedBy: [], checked: false };
  if (continuation && dispatchedBy === '') {
    throw new PlanError(
      `this automatic continuation cannot tell who dispatched its chain (no chain.json in the checkpoint it resumes from), so it cannot prove its ${environment} approval is independent. Nothing was sent. Resume by hand (resume = the run this continues): a person's dispatch is covered by GitHub's own "Prevent self-review".`,
    );
  }
  const ctx = {
    apiUrl: env.GITHUB_API_URL || 'https://api.github.com',
    repository: env.GITHUB_REPOSITORY ?? '',
    token: env.GITHUB_TOKEN ?? '',
    fetch: deps.fetch,
  };
  const approvals = (await runApprovals(ctx, env.GITHUB_RUN_ID ?? '')).filter(
    (a) => a?.state === 'approved' && Array.isArray(a.environments) && a.environments.some((e) => e?.name === environment),
  );
  const approvedBy = approvals.map((a) => String(a.user?.login ?? ''));
  const own = approvedBy.filter((login) => accountable.has(login));
  if (own.length > 0) {
    throw new PlanError(
      `${environment} was approved by ${own[0]}, who dispatched ${continuation ? 'the run this continuation continues' : 'this run'}: an approval must come from someone else. Nothing was sent. Ask another reviewer: dispatch again by hand with resume = ${env.RESUMED_FROM || '(empty: fresh run)'}, the checkpoint this run was given (it uploads none of its own).`,
    );
  }
  if (approvedBy.length === 0) {
    throw new PlanError(
      `no approval of ${environment} is recorded for this run (the environment has no required reviewers, or an administrator bypassed them), so it cannot be shown to be independent of ${[...accountable].join(', ') || 'its dispatcher'}. Nothing was sent. Give ${environment} required reviewers (docs/operator-guide.md), then dispatch again.`,
    );
  }
  return { chain, approvedBy, checked: true };
}

/** @returns {Promise<number>} the exit code */
export async function main(env = process.env, deps = {}) {
  try {
    const result = await checkApprover(env, { fetch: deps.fetch ?? globalThis.fetch });
    if (env.CHAIN_FILE) writeFileSync(env.CHAIN_FILE, `${JSON.stringify(result.chain, null, 2)}\n`);
    setOutputs({ dispatched_by: result.chain.dispatched_by });
    await appendSummary(
      result.checked
        ? `**Approval:** ${env.ENVIRONMENT} approved by ${result.approvedBy.join(', ')}; the chain was dispatched by ${result.chain.dispatched_by}.\n`
        : `**Approval:** not checked for ${env.ENVIRONMENT} (only ${env.PROTECTED_ENVIRONMENTS || 'prod'}); the chain was dispatched by ${result.chain.dispatched_by || 'nobody known'}.\n`,
    );
    return 0;
  } catch (err) {
    if (!(err instanceof PlanError)) throw err;
    annotate('error', err.message, { title: 'apply: approval not independent' });
    await appendSummary(`# apply: approval not independent\n\n${err.message}\n`);
    return 1;
  }
}

if (isMain(import.meta.url)) process.exitCode = await main();
