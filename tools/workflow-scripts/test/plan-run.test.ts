import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { artifactName, checkCsvPath, main, planArtifactName } from '../plan-run.mjs';
import { captureStdout, fakeGithubApi, fakeGithubServer, tempWorkspace, type FakeArtifact } from './helpers.js';

const CSV_TEXT = 'entity_type,location_key,email\nuser,HQ,a@example.com\n';
const SHA = createHash('sha256').update(CSV_TEXT).digest('hex');
const OTHER_SHA = createHash('sha256').update('something else').digest('hex');

let ws: ReturnType<typeof tempWorkspace>;
afterEach(() => ws?.cleanup());

function setup(extraEnv: Record<string, string> = {}, files: Record<string, string> = { 'sites/madrid.csv': CSV_TEXT }) {
  ws = tempWorkspace(files);
  const env: Record<string, string> = {
    ...ws.env,
    INPUT_CSV: 'sites/madrid.csv',
    INPUT_ENVIRONMENT: 'lab',
    INPUT_RESUME: '',
    INPUT_CHAIN_DEPTH: '0',
    INPUT_TIME_BUDGET: '',
    VAR_TIME_BUDGET: '',
    GITHUB_REPOSITORY: 'acme/wbp',
    GITHUB_API_URL: 'http://api.test',
    GITHUB_SERVER_URL: 'https://github.test',
    GITHUB_TOKEN: 'ghs_job_token',
    GITHUB_RUN_ID: '9000',
    ...extraEnv,
  };
  return env;
}

const RUNS_URL = 'http://api.test/repos/acme/wbp/actions/workflows/provision.yml/runs?per_page=100';

async function plan(env: Record<string, string>, artifacts: FakeArtifact[] = [], runs?: number[]) {
  const api = fakeGithubApi(artifacts, runs);
  const { result: code, stdout } = await captureStdout(() => main(env, { fetch: api.fetch }));
  // The one-run-per-environment check lists the workflow's runs first, on every dispatch.
  const [first, ...seen] = api.seen;
  if (first !== undefined) expect(first.url).toBe(RUNS_URL);
  return { code, stdout, outputs: ws.outputs(), summary: ws.summary(), seen, api };
}

describe('plan-run: a fresh run', () => {
  it('writes the CSV, its sha256, the artifact name, the budget and no resume run', async () => {
    const r = await plan(setup());
    expect(r.code).toBe(0);
    expect(r.outputs).toEqual({
      csv: 'sites/madrid.csv',
      csv_sha256: SHA,
      artifact: `wbp-lab-${SHA}`,
      resume_run_id: '',
      resume_artifact: '',
      chain_depth: '0',
      time_budget: '5h15m',
      plan_artifact: `wbp-plan-lab-${SHA}`,
      plan_from_run: '',
    });
    expect(r.seen).toEqual([]); // no artifact lookup for a fresh run
    expect(r.summary).toContain('| plan | `wbp plan` afresh against the org |');
    expect(r.summary).toContain('# provision `sites/madrid.csv` → lab');
    expect(r.summary).toContain('fresh run (no checkpoint)');
    expect(r.summary).toContain(`\`wbp-lab-${SHA}\``);
  });

  it('names the artifact after the environment and the CSV content, not its path', async () => {
    expect(artifactName('prod', SHA)).toBe(`wbp-prod-${SHA}`);
    const r = await plan(setup({ INPUT_CSV: './sites/nested/copy.csv', INPUT_ENVIRONMENT: 'prod' }, { 'sites/nested/copy.csv': CSV_TEXT }));
    expect(r.code).toBe(0);
    expect(r.outputs.csv).toBe('sites/nested/copy.csv');
    expect(r.outputs.artifact).toBe(`wbp-prod-${SHA}`);
  });

  it('takes the time budget from the input, else the variable, else the default', async () => {
    expect((await plan(setup({ INPUT_TIME_BUDGET: '20m', VAR_TIME_BUDGET: '4h' }))).outputs.time_budget).toBe('20m');
    ws.cleanup();
    expect((await plan(setup({ VAR_TIME_BUDGET: '4h' }))).outputs.time_budget).toBe('4h');
    ws.cleanup();
    expect((await plan(setup({ DEFAULT_TIME_BUDGET: '5h' }))).outputs.time_budget).toBe('5h');
  });
});

describe('plan-run: refuses bad inputs before anything runs', () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    ['an unknown environment', { INPUT_ENVIRONMENT: 'staging' }, /environment must be lab or prod/],
    ['an empty csv', { INPUT_CSV: '' }, /csv is required/],
    ['a path outside sites/', { INPUT_CSV: 'packages/x.csv' }, /csv must be a path like sites\/<name>\.csv/],
    ['a path with ..', { INPUT_CSV: 'sites/../package.json' }, /csv must be a path like/],
    ['a hidden file', { INPUT_CSV: 'sites/.secret.csv' }, /csv must be a path like/],
    ['an absolute path', { INPUT_CSV: '/etc/passwd.csv' }, /csv must be a path like/],
    ['a CSV that is not on the branch', { INPUT_CSV: 'sites/missing.csv' }, /does not exist on this branch/],
    ['a bad resume value', { INPUT_RESUME: 'yesterday' }, /resume must be empty \(fresh run\), 'latest', or a workflow run id/],
    ['a negative chain depth', { INPUT_CHAIN_DEPTH: '-1' }, /chain_depth must be a whole number/],
    ['a chain deeper than the limit', { INPUT_CHAIN_DEPTH: '9', MAX_CHAIN_DEPTH: '8' }, /over the limit of 8 automatic continuations/],
    ['an unreadable time budget', { INPUT_TIME_BUDGET: 'five hours' }, /must look like 5h15m/],
    ['a zero time budget', { INPUT_TIME_BUDGET: '0m' }, /must look like 5h15m/],
    ['a time budget past the step timeout', { INPUT_TIME_BUDGET: '5h45m' }, /more than 5h20m/],
  ];
  for (const [what, env, message] of cases) {
    it(`fails on ${what}`, async () => {
      const r = await plan(setup(env));
      expect(r.code).toBe(1);
      expect(r.outputs).toEqual({});
      expect(r.stdout).toMatch(/^::error title=provision%3A cannot start::/);
      expect(r.stdout).toMatch(message);
      expect(r.summary).toContain('# provision: cannot start');
      expect(r.summary).toMatch(message);
    });
  }

  it('refuses a CSV that is a symlink out of sites/', async () => {
    const env = setup({ INPUT_CSV: 'sites/escape.csv' });
    writeFileSync(join(ws.workspace, 'outside.csv'), CSV_TEXT);
    symlinkSync(join(ws.workspace, 'outside.csv'), join(ws.workspace, 'sites', 'escape.csv'));
    const r = await plan(env);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/points outside sites\//);
  });

  it('keeps the CSV name out of the workflow-command syntax', () => {
    ws = tempWorkspace();
    expect(() => checkCsvPath('sites/a::b,c.csv', ws.workspace)).toThrow(/csv must be a path like/);
    expect(() => checkCsvPath('sites/a\nb.csv', ws.workspace)).toThrow(/csv must be a path like/);
  });
});

describe('plan-run: resume = latest', () => {
  const mine = `wbp-lab-${SHA}`;
  it('picks the newest unexpired artifact of this CSV and environment, whatever order the API lists them in', async () => {
    const r = await plan(setup({ INPUT_RESUME: 'latest' }), [
      { id: 1, name: mine, runId: 100, createdAt: '2026-01-01T10:00:00Z' },
      { id: 3, name: mine, runId: 300, createdAt: '2026-01-03T10:00:00Z', expired: true },
      { id: 2, name: mine, runId: 200, createdAt: '2026-01-02T10:00:00Z' },
      { id: 4, name: `wbp-prod-${SHA}`, runId: 400, createdAt: '2026-01-04T10:00:00Z' },
      { id: 5, name: `wbp-lab-${OTHER_SHA}`, runId: 500, createdAt: '2026-01-05T10:00:00Z' },
    ]);
    expect(r.code).toBe(0);
    expect(r.outputs.resume_run_id).toBe('200');
    expect(r.outputs.resume_artifact).toBe(mine);
    expect(r.seen).toEqual([
      {
        method: 'GET',
        url: 'http://api.test/repos/acme/wbp/actions/artifacts?per_page=100&page=1',
        authorization: 'Bearer ghs_job_token',
      },
    ]);
    expect(r.summary).toContain('resume from run [200](https://github.test/acme/wbp/actions/runs/200) (newest artifact of this CSV)');
  });

  it('resumes from the latest attempt of the newest run, never from an older attempt', async () => {
    const r = await plan(setup({ INPUT_RESUME: 'latest' }), [
      { id: 1, name: `${mine}-attempt1`, runId: 100, createdAt: '2026-01-01T10:00:00Z' },
      { id: 2, name: `${mine}-attempt1`, runId: 200, createdAt: '2026-01-02T10:00:00Z' },
      { id: 6, name: `${mine}-attempt3`, runId: 200, createdAt: '2026-01-02T14:00:00Z' },
      { id: 7, name: `${mine}-attempt2`, runId: 200, createdAt: '2026-01-02T12:00:00Z' },
      { id: 8, name: `${mine}-attempt4`, runId: 200, createdAt: '2026-01-02T16:00:00Z', expired: true },
      { id: 9, name: `${mine}-attempt1-x`, runId: 900, createdAt: '2026-01-09T10:00:00Z' },
    ]);
    expect(r.code).toBe(0);
    expect(r.outputs.resume_run_id).toBe('200');
    expect(r.outputs.resume_artifact).toBe(`${mine}-attempt3`);
  });

  it('resumes from the latest attempt of the run it is given', async () => {
    const r = await plan(setup({ INPUT_RESUME: '200' }), [
      { id: 2, name: `${mine}-attempt1`, runId: 200, createdAt: '2026-01-02T10:00:00Z' },
      { id: 7, name: `${mine}-attempt2`, runId: 200, createdAt: '2026-01-02T12:00:00Z' },
      { id: 3, name: `wbp-plan-lab-${SHA}`, runId: 200, createdAt: '2026-01-02T09:00:00Z' },
    ]);
    expect(r.code).toBe(0);
    expect(r.outputs.resume_run_id).toBe('200');
    expect(r.outputs.resume_artifact).toBe(`${mine}-attempt2`);
  });

  it('fails, and says to start fresh, when there is none', async () => {
    const r = await plan(setup({ INPUT_RESUME: 'latest' }), [
      { id: 3, name: mine, runId: 300, createdAt: '2026-01-03T10:00:00Z', expired: true },
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/resume=latest: no artifact named wbp-lab-[0-9a-f]{64}\(-attempt<N>\) is left in acme\/wbp \(1 expired\)/);
    expect(r.stdout).toMatch(/Dispatch with resume empty for a fresh run/);
  });

  it('needs the job token', async () => {
    const r = await plan(setup({ INPUT_RESUME: 'latest', GITHUB_TOKEN: '' }));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/needs GITHUB_TOKEN/);
  });
});

describe('plan-run: resume = a run id', () => {
  const mine = `wbp-lab-${SHA}`;
  it('checks that run has this CSV and environment’s artifact', async () => {
    const r = await plan(setup({ INPUT_RESUME: '123' }), [{ id: 7, name: mine, runId: 123, createdAt: '2026-01-01T00:00:00Z' }]);
    expect(r.code).toBe(0);
    expect(r.outputs.resume_run_id).toBe('123');
    expect(r.seen.map((s) => s.url)).toEqual(['http://api.test/repos/acme/wbp/actions/runs/123/artifacts?per_page=100']);
  });

  const failures: [string, FakeArtifact[], number[], RegExp][] = [
    ['a run that does not exist', [], [], /there is no workflow run 123 in acme\/wbp/],
    [
      'a run of an edited CSV',
      [{ id: 7, name: `wbp-lab-${OTHER_SHA}`, runId: 123, createdAt: '' }],
      [123],
      /different CSV content .*the CSV changed since/,
    ],
    [
      'a run of the other environment',
      [{ id: 7, name: `wbp-prod-${SHA}`, runId: 123, createdAt: '' }],
      [123],
      /was for environment prod, not lab/,
    ],
    ['a run whose artifact expired', [{ id: 7, name: mine, runId: 123, createdAt: '', expired: true }], [123], /has expired/],
    ['a run with no artifacts', [], [123], /that run has no artifacts/],
    ['a run of another workflow', [{ id: 7, name: 'coverage', runId: 123, createdAt: '' }], [123], /no wbp artifact \(it has: coverage\)/],
  ];
  for (const [what, artifacts, runs, message] of failures) {
    it(`fails clearly for ${what}`, async () => {
      const r = await plan(setup({ INPUT_RESUME: '123' }), artifacts, runs);
      expect(r.code).toBe(1);
      expect(r.outputs).toEqual({});
      expect(r.stdout).toMatch(message);
    });
  }

  it('reports an API error with the permission hint', async () => {
    const env = setup({ INPUT_RESUME: '123' });
    const forbidden = async () => new Response('{"message":"Resource not accessible by integration"}', { status: 403 });
    const { result: code, stdout } = await captureStdout(() => main(env, { fetch: forbidden }));
    expect(code).toBe(1);
    expect(stdout).toMatch(/HTTP 403 \(does the job have `permissions: actions: read`\?\)/);
  });
});

describe('plan-run: which plan the run applies', () => {
  const mine = `wbp-lab-${SHA}`;
  const plans = `wbp-plan-lab-${SHA}`;

  it('names the plan artifact after the environment and the CSV content', () => {
    expect(planArtifactName('prod', SHA)).toBe(`wbp-plan-prod-${SHA}`);
  });

  it('an automatic continuation reuses the plan of the run it resumes from', async () => {
    const r = await plan(setup({ INPUT_RESUME: '123', INPUT_CHAIN_DEPTH: '2' }), [
      { id: 7, name: mine, runId: 123, createdAt: '2026-01-01T05:00:00Z' },
      { id: 8, name: plans, runId: 123, createdAt: '2026-01-01T00:10:00Z' },
    ]);
    expect(r.code).toBe(0);
    expect(r.outputs).toMatchObject({ resume_run_id: '123', plan_from_run: '123', plan_artifact: plans });
    expect(r.seen.map((s) => s.url)).toEqual([
      'http://api.test/repos/acme/wbp/actions/runs/123/artifacts?per_page=100',
      `http://api.test/repos/acme/wbp/actions/runs/123/artifacts?name=${plans}&per_page=100`,
    ]);
    expect(r.summary).toContain(
      '| plan | reused from run [123](https://github.test/acme/wbp/actions/runs/123) (the change set this chain started with, artifact of 2026-01-01T00:10:00Z) |',
    );
  });

  it('a continuation whose previous run has no plan left (older run, or expired) plans afresh', async () => {
    const r = await plan(setup({ INPUT_RESUME: '123', INPUT_CHAIN_DEPTH: '1' }), [
      { id: 7, name: mine, runId: 123, createdAt: '2026-01-01T05:00:00Z' },
      { id: 8, name: plans, runId: 123, createdAt: '2026-01-01T00:10:00Z', expired: true },
    ]);
    expect(r.code).toBe(0);
    expect(r.outputs.plan_from_run).toBe('');
    expect(r.summary).toContain('`wbp plan` afresh (run 123 has no plan artifact left)');
  });

  it('a resume by hand plans afresh against the org as it is now (no plan lookup)', async () => {
    const r = await plan(setup({ INPUT_RESUME: '123' }), [
      { id: 7, name: mine, runId: 123, createdAt: '2026-01-01T05:00:00Z' },
      { id: 8, name: plans, runId: 123, createdAt: '2026-01-01T00:10:00Z' },
    ]);
    expect(r.code).toBe(0);
    expect(r.outputs.plan_from_run).toBe('');
    expect(r.seen).toHaveLength(1);
  });
});

describe('plan-run as the workflow starts it (child process, real HTTP)', () => {
  it('resolves latest against the API and writes $GITHUB_OUTPUT', async () => {
    const env = setup({ INPUT_RESUME: 'latest' });
    const api = fakeGithubApi([{ id: 1, name: `wbp-lab-${SHA}`, runId: 4242, createdAt: '2026-02-01T00:00:00Z' }]);
    const { url, server } = await fakeGithubServer(api);
    try {
      const script = join(import.meta.dirname, '..', 'plan-run.mjs');
      const child = spawn(process.execPath, [script], {
        cwd: ws.workspace,
        env: { PATH: process.env.PATH ?? '', ...env, GITHUB_API_URL: url },
      });
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      const code = await new Promise<number | null>((done) => child.on('exit', done));
      expect(code).toBe(0);
      expect(stdout).toContain('resume from run 4242');
      expect(ws.outputs()).toMatchObject({ resume_run_id: '4242', artifact: `wbp-lab-${SHA}`, csv_sha256: SHA });
      expect(api.seen[0]?.authorization).toBe('Bearer ghs_job_token');
    } finally {
      server.close();
    }
  });

  it('exits 1 on a bad input', async () => {
    const env = setup({ INPUT_ENVIRONMENT: 'qa' });
    const script = join(import.meta.dirname, '..', 'plan-run.mjs');
    const child = spawn(process.execPath, [script], { cwd: ws.workspace, env: { PATH: process.env.PATH ?? '', ...env } });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const code = await new Promise<number | null>((done) => child.on('exit', done));
    expect(code).toBe(1);
    expect(stdout).toMatch(/^::error title=provision%3A cannot start::environment must be lab or prod/);
  });
});
