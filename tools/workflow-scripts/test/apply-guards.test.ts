import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main as checkApprover } from '../check-approver.mjs';
import { main as pickCheckpoint } from '../pick-checkpoint.mjs';
import { captureStdout, type FakeApproval, type FakeArtifact, type FakeRun, fakeGithubApi, tempWorkspace } from './helpers.js';

const SHA = 'c'.repeat(64);
const BASE = `wbp-prod-${SHA}`;
let ws: ReturnType<typeof tempWorkspace> | undefined;
afterEach(() => {
  ws?.cleanup();
  ws = undefined;
});

const github = {
  GITHUB_REPOSITORY: 'acme/wbp',
  GITHUB_API_URL: 'http://api.test',
  GITHUB_TOKEN: 'ghs_job_token',
  GITHUB_RUN_ID: '700',
};

async function run(
  script: typeof pickCheckpoint,
  env: Record<string, string>,
  world: { artifacts?: FakeArtifact[]; runs?: FakeRun[]; approvals?: Record<number, FakeApproval[]> } = {},
) {
  ws ??= tempWorkspace();
  const w = ws;
  const api = fakeGithubApi(world.artifacts ?? [], [700, 600], { runs: world.runs ?? [], approvals: world.approvals ?? {} });
  const { result: code, stdout } = await captureStdout(() => script({ ...w.env, ...github, ...env }, { fetch: api.fetch }));
  return { code, stdout, outputs: w.outputs(), summary: w.summary() };
}

describe('pick-checkpoint: one artifact per attempt', () => {
  it('a first attempt resumes from what the dispatch named and uploads as attempt 1', async () => {
    const r = await run(pickCheckpoint, {
      ARTIFACT: BASE,
      RESUME_RUN_ID: '600',
      RESUME_ARTIFACT: `${BASE}-attempt2`,
      GITHUB_RUN_ATTEMPT: '1',
    });
    expect(r.code).toBe(0);
    expect(r.outputs).toEqual({ artifact: `${BASE}-attempt1`, resume_run_id: '600', resume_artifact: `${BASE}-attempt2` });
  });

  it('a re-run attempt resumes from the latest earlier attempt of its own run, never overwriting it', async () => {
    const r = await run(
      pickCheckpoint,
      { ARTIFACT: BASE, RESUME_RUN_ID: '600', RESUME_ARTIFACT: `${BASE}-attempt1`, GITHUB_RUN_ATTEMPT: '3', ENVIRONMENT: 'prod' },
      {
        artifacts: [
          { id: 1, name: `${BASE}-attempt1`, runId: 600, createdAt: '2026-01-01T00:00:00Z' },
          { id: 2, name: `${BASE}-attempt1`, runId: 700, createdAt: '2026-01-02T00:00:00Z' },
          { id: 3, name: `${BASE}-attempt2`, runId: 700, createdAt: '2026-01-02T06:00:00Z' },
        ],
      },
    );
    expect(r.code).toBe(0);
    expect(r.outputs).toEqual({ artifact: `${BASE}-attempt3`, resume_run_id: '700', resume_artifact: `${BASE}-attempt2` });
    expect(r.summary).toContain('(attempt 2 of this run)');
  });

  it('a re-run attempt whose earlier attempts uploaded nothing resumes from the dispatch', async () => {
    const r = await run(pickCheckpoint, {
      ARTIFACT: BASE,
      RESUME_RUN_ID: '',
      RESUME_ARTIFACT: '',
      GITHUB_RUN_ATTEMPT: '2',
      ENVIRONMENT: 'prod',
    });
    expect(r.outputs).toEqual({ artifact: `${BASE}-attempt2`, resume_run_id: '', resume_artifact: '' });
  });

  it('a re-run attempt refuses while another run of the environment is under way', async () => {
    const r = await run(
      pickCheckpoint,
      { ARTIFACT: BASE, GITHUB_RUN_ATTEMPT: '2', ENVIRONMENT: 'prod' },
      { runs: [{ id: 800, status: 'in_progress', display_title: 'provision sites/x.csv → prod' }] },
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^::error title=apply%3A cannot start::another provision run of prod has not ended: a run \(run 800/m);
  });
});

describe('check-approver: nobody approves their own continuation', () => {
  const approved = (login: string, env = 'prod'): FakeApproval => ({ state: 'approved', user: { login }, environments: [{ name: env }] });

  function chainFile(content: object | undefined) {
    ws = tempWorkspace();
    const path = join(ws.workspace, 'chain.json');
    if (content) writeFileSync(path, JSON.stringify(content));
    return path;
  }

  const continuation = (CHAIN_FILE: string) => ({
    ENVIRONMENT: 'prod',
    CHAIN_DEPTH: '2',
    CHAIN_FILE,
    GITHUB_ACTOR: 'github-actions[bot]',
    GITHUB_TRIGGERING_ACTOR: 'github-actions[bot]',
    GITHUB_RUN_ATTEMPT: '1',
    RESUMED_FROM: '600',
  });

  it('refuses a continuation approved by the person who dispatched the chain, before anything is sent', async () => {
    const file = chainFile({ dispatched_by: 'ana', runs: [{ run_id: '600', attempt: 1 }] });
    const r = await run(checkApprover, continuation(file), { approvals: { 700: [approved('ana')] } });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      '::error title=apply%3A approval not independent::prod was approved by ana, who dispatched the run this continuation continues',
    );
    expect(r.stdout).toContain('resume = 600');
  });

  it('lets another reviewer approve it, and carries the dispatcher on in chain.json', async () => {
    const file = chainFile({ dispatched_by: 'ana', runs: [{ run_id: '600', attempt: 1 }] });
    const r = await run(checkApprover, continuation(file), { approvals: { 700: [approved('luis', 'lab'), approved('bea')] } });
    expect(r.code).toBe(0);
    expect(r.outputs).toEqual({ dispatched_by: 'ana' });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      dispatched_by: 'ana',
      runs: [
        { run_id: '600', attempt: 1 },
        { run_id: '700', attempt: 1 },
      ],
    });
    expect(r.summary).toContain('prod approved by bea; the chain was dispatched by ana');
  });

  it('refuses a continuation whose checkpoint does not say who dispatched the chain', async () => {
    const r = await run(checkApprover, continuation(chainFile(undefined)), { approvals: { 700: [approved('bea')] } });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/cannot tell who dispatched its chain/);
  });

  it('refuses a protected environment with no approval recorded (bypassed or no reviewers)', async () => {
    const file = chainFile({ dispatched_by: 'ana', runs: [] });
    const r = await run(checkApprover, continuation(file));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/no approval of prod is recorded for this run/);
  });

  it('records a person’s own dispatch as theirs, and does not check lab', async () => {
    const file = chainFile(undefined);
    const r = await run(checkApprover, {
      ENVIRONMENT: 'lab',
      CHAIN_DEPTH: '0',
      CHAIN_FILE: file,
      GITHUB_ACTOR: 'ana',
      GITHUB_TRIGGERING_ACTOR: 'ana',
      GITHUB_RUN_ATTEMPT: '1',
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ dispatched_by: 'ana', runs: [{ run_id: '700', attempt: 1 }] });
  });

  it('refuses a re-run approved by the person who clicked re-run', async () => {
    const file = chainFile({ dispatched_by: 'ana', runs: [] });
    const r = await run(
      checkApprover,
      { ...continuation(file), GITHUB_TRIGGERING_ACTOR: 'luis', GITHUB_RUN_ATTEMPT: '2' },
      { approvals: { 700: [approved('luis')] } },
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/approved by luis/);
  });
});
