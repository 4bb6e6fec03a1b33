import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { capMarkdown, judgePlanExit, PlanFileError, planMismatch, readPlan } from '../lib/plan.mjs';
import { main as planPr } from '../plan-pr.mjs';
import { main as planSite, shouldApply } from '../plan-site.mjs';
import { captureStdout, tempWorkspace } from './helpers.js';

const CSV_TEXT = 'entity_type,location_key,email\nuser,HQ,a@example.com\n';
const SHA = createHash('sha256').update(CSV_TEXT).digest('hex');
const OTHER_SHA = createHash('sha256').update('something else').digest('hex');
const FAKE_WBP = join(import.meta.dirname, 'fake-wbp.mjs');

let ws: ReturnType<typeof tempWorkspace>;
afterEach(() => ws?.cleanup());

function calls(env: Record<string, string>) {
  const log = env.FAKE_LOG as string;
  return existsSync(log)
    ? readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { args: string[]; hasSummary: boolean; token: string | null; environment: string | null })
    : [];
}

function planJson(dir: string, over: Record<string, unknown> = {}) {
  mkdirSync(dir, { recursive: true });
  const plan = {
    csv: 'sites/madrid.csv',
    csvSha256: SHA,
    environment: 'prod',
    createdAt: '2026-12-01T00:00:00Z',
    counts: { byAction: { create: 4 }, byExpectedStatus: { success: 4 }, byReason: {} },
    licences: [],
    changes: 4,
    ...over,
  };
  writeFileSync(join(dir, 'plan.json'), JSON.stringify(plan));
  writeFileSync(join(dir, 'plan.md'), '### the original plan\n');
  writeFileSync(join(dir, 'plan.csv'), 'row_id\n');
  return plan;
}

describe('wbp plan exit statuses', () => {
  it('tells "changes planned" from a usage error by whether plan.json was written', async () => {
    expect(judgePlanExit({ status: '2', planWritten: true }).outcome).toBe('changes');
    const usage = judgePlanExit({ status: '2', planWritten: false });
    expect(usage.outcome).toBe('failed');
    expect(usage.meaning).toMatch(/usage mistake/);
  });

  it('reads 0 as nothing to change only with a plan', async () => {
    expect(judgePlanExit({ status: '0', planWritten: true }).outcome).toBe('no-changes');
    expect(judgePlanExit({ status: '0', planWritten: false }).outcome).toBe('failed');
  });

  it('explains the run statuses and names the environment whose secret to fix', async () => {
    const startup = judgePlanExit({ status: '20', planWritten: false, planEnvironment: 'prod-plan' });
    expect(startup.outcome).toBe('failed');
    expect(startup.action).toMatch(/`prod-plan` environment has no WEBEX_TOKEN secret/);
    const incomplete = judgePlanExit({ status: '20', planWritten: true, planEnvironment: 'prod-plan' });
    expect(incomplete.outcome).toBe('failed');
    expect(incomplete.meaning).toMatch(/incomplete plan: some rows could not be planned/);
    expect(incomplete.action).not.toMatch(/has no WEBEX_TOKEN secret/);
    expect(judgePlanExit({ status: '70', planWritten: false }).meaning).toMatch(/internal error/);
    expect(judgePlanExit({ status: '143', planWritten: false }).meaning).toMatch(/signal 15/);
    expect(judgePlanExit({ status: '', planWritten: false }).meaning).toMatch(/without an exit status/);
    expect(judgePlanExit({ status: '5', planWritten: true }).outcome).toBe('failed');
  });
});

describe('plan.json', () => {
  it('is read with its sha256 and checked against the CSV and environment', async () => {
    ws = tempWorkspace();
    const dir = join(ws.root, 'p');
    planJson(dir);
    const found = readPlan(dir);
    expect(found?.plan.changes).toBe(4);
    expect(found?.sha256).toBe(
      createHash('sha256')
        .update(readFileSync(join(dir, 'plan.json')))
        .digest('hex'),
    );
    expect(planMismatch(found?.plan, { csvSha256: SHA, environment: 'prod' })).toBeUndefined();
    expect(planMismatch(found?.plan, { csvSha256: OTHER_SHA, environment: 'prod' })).toMatch(/made for CSV content sha256/);
    expect(planMismatch(found?.plan, { csvSha256: SHA, environment: 'lab' })).toMatch(/made for environment prod, not lab/);
    expect(readPlan(join(ws.root, 'none'))).toBeUndefined();
  });

  it('refuses a file that is not a plan', async () => {
    ws = tempWorkspace();
    const dir = join(ws.root, 'p');
    mkdirSync(dir);
    writeFileSync(join(dir, 'plan.json'), '{"changes": "many"}');
    expect(() => readPlan(dir)).toThrow(PlanFileError);
    expect(() => readPlan(dir)).toThrow(
      /csvSha256 is not a sha256; environment is missing; changes is not a whole number; counts is missing/,
    );
    writeFileSync(join(dir, 'plan.json'), '{');
    expect(() => readPlan(dir)).toThrow(/is not JSON/);
  });

  it('cuts Markdown to the summary budget on a line boundary', async () => {
    const text = `${'a line\n'.repeat(100)}`;
    expect(capMarkdown(text, 10_000, 'cut')).toBe(text);
    const cut = capMarkdown(text, 100, 'cut');
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(100);
    expect(cut).toMatch(/^(a line\n)+\n\*cut\*\n$/);
  });
});

function siteSetup(extra: Record<string, string> = {}) {
  ws = tempWorkspace({ 'sites/madrid.csv': CSV_TEXT });
  return {
    ...ws.env,
    CSV: 'sites/madrid.csv',
    CSV_SHA256: SHA,
    ENVIRONMENT: 'prod',
    PLAN_ENVIRONMENT: 'prod-plan',
    PLAN_DIR: 'wbp-plan',
    PLAN_ARTIFACT: `wbp-plan-prod-${SHA}`,
    REUSE_DIR: '',
    REUSED_FROM_RUN: '',
    WEBEX_TOKEN: 'read-only-token',
    WBP_BIN: FAKE_WBP,
    FAKE_LOG: join(ws.root, 'fake.log'),
    FAKE_PLAN: '{}',
    GITHUB_SERVER_URL: 'https://github.test',
    GITHUB_REPOSITORY: 'acme/wbp',
    GITHUB_RUN_ID: '9000',
    ...extra,
  } as Record<string, string>;
}

async function site(env: Record<string, string>) {
  const { result: code, stdout } = await captureStdout(() => planSite(env));
  return { code, stdout, outputs: ws.outputs(), summary: ws.summary() };
}

describe('plan-site (provision.yml, plan job)', () => {
  it('runs wbp plan with --detailed-exitcode, keeps the summary to itself, and hands changes to the apply job', async () => {
    const env = siteSetup();
    const r = await site(env);
    expect(r.code).toBe(0);
    const [call] = calls(env);
    expect(call?.args).toEqual([
      'plan',
      'sites/madrid.csv',
      '--out',
      join(ws.workspace, 'wbp-plan'),
      '--format',
      'github',
      '--detailed-exitcode',
    ]);
    expect(call?.hasSummary).toBe(false);
    expect(call?.token).toBe('read-only-token');
    const planSha = createHash('sha256')
      .update(readFileSync(join(ws.workspace, 'wbp-plan', 'plan.json')))
      .digest('hex');
    expect(r.outputs).toEqual({
      outcome: 'changes',
      changes: '3',
      apply: 'true',
      plan_sha256: planSha,
      plan_created_at: '2026-12-07T07:00:00Z',
      plan_source: 'fresh',
    });
    expect(r.summary).toContain('## Plan');
    expect(r.summary).toContain('| changes | **3** |');
    expect(r.summary).toContain('| by action | noop 5, create 3 |');
    expect(r.summary).toContain('| rows would end | success 8, pending 1 |');
    expect(r.summary).toContain('Webex Calling - Professional');
    expect(r.summary).toContain('the apply job waits for a reviewer of the `prod` environment');
    expect(r.summary).toContain(`\`wbp-plan-prod-${SHA}\``);
    expect(r.summary).toContain(`applies it only to CSV content sha256 \`${SHA}\` in prod`);
    expect(r.summary).toContain('### wbp plan of sites/madrid.csv'); // plan.md follows
    expect(r.stdout).toContain('::notice title=wbp plan::3 change(s) planned (fresh plan).');
  });

  it('says lab applies at once', async () => {
    const r = await site(siteSetup({ ENVIRONMENT: 'lab', PLAN_ENVIRONMENT: 'lab-plan' }));
    expect(r.code).toBe(0);
    expect(r.summary).toContain('**Next: the apply job carries out this plan in lab.**');
  });

  it('skips the apply job when there is nothing to change (exit 0 with a plan)', async () => {
    const r = await site(siteSetup({ FAKE_PLAN: JSON.stringify({ '*': { exit: 0, changes: 0 } }) }));
    expect(r.code).toBe(0);
    expect(r.outputs).toMatchObject({ outcome: 'no-changes', changes: '0', apply: 'false' });
    expect(r.summary).toContain('**Nothing to change: the apply job is skipped.**');
    expect(r.summary).toContain('except 1 row(s) the plan expects to end pending or rejected');
    expect(r.stdout).toMatch(/^::warning title=wbp plan::nothing to change; apply skipped; 1 row\(s\) would end pending or rejected/m);
  });

  it('fails on exit 2 without plan.json (a usage error, not "changes planned")', async () => {
    const r = await site(siteSetup({ FAKE_PLAN: JSON.stringify({ '*': { exit: 2, write: false } }) }));
    expect(r.code).toBe(1);
    expect(r.outputs).toMatchObject({ outcome: 'failed', apply: 'false', plan_sha256: '' });
    expect(r.summary).toContain('**No plan: usage mistake');
    expect(r.summary).toContain('the apply job does not run without a plan');
    expect(r.stdout).toMatch(/^::error title=wbp plan%3A no plan::usage mistake/m);
  });

  it('does not mistake an old plan.json in the folder for a new one', async () => {
    const env = siteSetup({ FAKE_PLAN: JSON.stringify({ '*': { exit: 2, write: false } }) });
    planJson(join(ws.workspace, 'wbp-plan'));
    const r = await site(env);
    expect(r.code).toBe(1);
    expect(existsSync(join(ws.workspace, 'wbp-plan', 'plan.json'))).toBe(false);
  });

  it('fails on a start-up failure and names the plan environment', async () => {
    const r = await site(siteSetup({ FAKE_PLAN: JSON.stringify({ '*': { exit: 20, write: false } }) }));
    expect(r.code).toBe(1);
    expect(r.summary).toContain('the `prod-plan` environment has no WEBEX_TOKEN secret');
  });

  it('fails before running wbp when the plan environment has no token', async () => {
    const env = siteSetup({ WEBEX_TOKEN: '', WEBEX_REFRESH_TOKEN: '' });
    const r = await site(env);
    expect(r.code).toBe(1);
    expect(calls(env)).toEqual([]);
    expect(r.summary).toContain('the `prod-plan` environment has no WEBEX_TOKEN (or WEBEX_REFRESH_TOKEN) secret');
  });

  it('refuses a plan made for other CSV content', async () => {
    const r = await site(siteSetup({ FAKE_PLAN: JSON.stringify({ '*': { sha: OTHER_SHA } }) }));
    expect(r.code).toBe(1);
    expect(r.summary).toMatch(/a plan for something else: the plan was made for CSV content sha256/);
  });

  it('refuses an unreadable plan.json', async () => {
    const r = await site(siteSetup({ FAKE_PLAN: JSON.stringify({ '*': { raw: '{"oops"' } }) }));
    expect(r.code).toBe(1);
    expect(r.summary).toMatch(/unreadable plan/);
  });

  it('an automatic continuation reuses the downloaded plan without calling wbp', async () => {
    const env = siteSetup({ REUSE_DIR: 'reused', REUSED_FROM_RUN: '123' });
    planJson(join(ws.workspace, 'reused'));
    const r = await site(env);
    expect(r.code).toBe(0);
    expect(calls(env)).toEqual([]);
    expect(readFileSync(join(ws.workspace, 'wbp-plan', 'plan.md'), 'utf8')).toBe('### the original plan\n');
    expect(r.outputs).toMatchObject({
      outcome: 'changes',
      changes: '4',
      apply: 'true',
      plan_source: 'reused',
      plan_created_at: '2026-12-01T00:00:00Z',
    });
    expect(r.summary).toContain('this run carries on with the plan of [run 123](https://github.test/acme/wbp/actions/runs/123)');
    expect(r.summary).toContain('### the original plan');
  });

  it('plans afresh when the downloaded plan is for another CSV or environment', async () => {
    const env = siteSetup({ REUSE_DIR: 'reused', REUSED_FROM_RUN: '123' });
    planJson(join(ws.workspace, 'reused'), { environment: 'lab' });
    const r = await site(env);
    expect(r.code).toBe(0);
    expect(calls(env)).toHaveLength(1);
    expect(r.outputs.plan_source).toBe('fresh');
    expect(r.summary).toContain('The plan of run 123 cannot be reused (the plan was made for environment lab, not prod): planning afresh.');
  });

  it('plans afresh when the reused plan could not be downloaded (empty folder)', async () => {
    const env = siteSetup({ REUSE_DIR: 'never-downloaded', REUSED_FROM_RUN: '123' });
    const r = await site(env);
    expect(r.code).toBe(0);
    expect(calls(env)).toHaveLength(1);
    expect(r.summary).toContain('The plan of run 123 cannot be reused (it has no plan.json): planning afresh.');
  });

  it('runs the checkout’s wbp bin with node (never npx) when no WBP_BIN is given, without the job summary', async () => {
    const env = siteSetup({ WBP_BIN: '' });
    const seen: { command: string; args: string[]; env: Record<string, string | undefined>; cwd: string }[] = [];
    const spawn = (command: string, args: string[], opts: { env: Record<string, string | undefined>; cwd: string }) => {
      seen.push({ command, args, env: opts.env, cwd: opts.cwd });
      return { status: 2, signal: null, error: undefined };
    };
    const { result: code } = await captureStdout(() => planSite(env, { spawn }));
    expect(code).toBe(1); // exit 2 and no plan.json: a usage error
    expect(seen[0]?.command).toBe(process.execPath);
    expect(seen[0]?.args.slice(0, 3)).toEqual([join(ws.workspace, 'packages', 'runner', 'bin', 'wbp.mjs'), 'plan', 'sites/madrid.csv']);
    expect(seen[0]?.env.GITHUB_STEP_SUMMARY).toBeUndefined();
    expect(seen[0]?.env.WEBEX_TOKEN).toBe('read-only-token');
    expect(seen[0]?.cwd).toBe(ws.workspace);
  });

  it('keeps the summary under the 1 MiB step limit', async () => {
    const r = await site(
      siteSetup({
        FAKE_PLAN: JSON.stringify({ '*': { planMdRepeat: ['| 1 | user | someone@example.com | create | success |  | |\n', 30_000] } }),
      }),
    );
    expect(r.code).toBe(0);
    expect(Buffer.byteLength(r.summary)).toBeLessThan(1024 * 1024);
    expect(r.summary).toContain('The plan is cut here to fit the job summary');
  });

  it('decides apply from the plan', async () => {
    expect(shouldApply({ ok: false })).toBe(false);
  });

  it('runs as the workflow starts it (child process)', async () => {
    const env = siteSetup();
    const script = join(import.meta.dirname, '..', 'plan-site.mjs');
    const child = spawnSync(process.execPath, [script], {
      cwd: ws.workspace,
      env: { PATH: process.env.PATH ?? '', ...env },
      encoding: 'utf8',
    });
    expect(child.status).toBe(0);
    expect(ws.outputs()).toMatchObject({ outcome: 'changes', apply: 'true' });
  });
});

function prSetup(csvs: string[], files: Record<string, string>, extra: Record<string, string> = {}) {
  ws = tempWorkspace(files);
  const list = join(ws.root, 'list');
  writeFileSync(list, csvs.map((c) => `${c}\0`).join(''));
  return {
    ...ws.env,
    LIST: list,
    PLAN_ROOT: 'wbp-plans',
    ENVIRONMENT: 'lab',
    PLAN_ENVIRONMENT: 'lab-plan',
    ARTIFACT: 'site-csv-plan-pr7',
    WEBEX_TOKEN: 'read-only-token',
    WBP_BIN: FAKE_WBP,
    FAKE_LOG: join(ws.root, 'fake.log'),
    FAKE_PLAN: '{}',
    ...extra,
  } as Record<string, string>;
}

async function pr(env: Record<string, string>) {
  const { result: code, stdout } = await captureStdout(() => planPr(env));
  return { code, stdout, outputs: ws.outputs(), summary: ws.summary() };
}

describe('plan-pr (validate.yml, plan against lab)', () => {
  it('plans each CSV into its own folder and sums up', async () => {
    const env = prSetup(
      ['sites/madrid.csv', 'sites/es/bcn.csv'],
      { 'sites/madrid.csv': CSV_TEXT, 'sites/es/bcn.csv': `${CSV_TEXT}user,HQ,b@example.com\n` },
      {
        FAKE_PLAN: JSON.stringify({ 'sites/es/bcn.csv': { exit: 0, changes: 0 } }),
      },
    );
    const r = await pr(env);
    expect(r.code).toBe(0);
    expect(calls(env).map((c) => [c.args[1], c.args[3], c.environment, c.hasSummary])).toEqual([
      ['sites/madrid.csv', join(ws.workspace, 'wbp-plans/sites/madrid'), 'lab', false],
      ['sites/es/bcn.csv', join(ws.workspace, 'wbp-plans/sites/es/bcn'), 'lab', false],
    ]);
    expect(r.outputs).toEqual({ planned: '2', failed: '0', changes: '3' });
    expect(r.summary).toContain('## Plan against lab');
    expect(r.summary).toContain('| `sites/madrid.csv` | 3 change(s); 1 row(s) would end pending or rejected | `wbp-plans/sites/madrid/` |');
    expect(r.summary).toContain(
      '| `sites/es/bcn.csv` | nothing to change; 1 row(s) would end pending or rejected | `wbp-plans/sites/es/bcn/` |',
    );
    expect(r.summary).toContain('**site-csv-plan-pr7** artifact');
    expect(r.summary).toContain('### `sites/madrid.csv`');
    expect(readFileSync(join(ws.workspace, 'wbp-plans', 'summary.md'), 'utf8')).toBe(r.summary);
    expect(r.stdout).toContain('::group::wbp plan sites/madrid.csv');
  });

  it('fails the job when a plan cannot be made, and plans the others', async () => {
    const env = prSetup(
      ['sites/a.csv', 'sites/b.csv'],
      { 'sites/a.csv': CSV_TEXT, 'sites/b.csv': CSV_TEXT },
      {
        FAKE_PLAN: JSON.stringify({ 'sites/a.csv': { exit: 20, write: false } }),
      },
    );
    const r = await pr(env);
    expect(r.code).toBe(1);
    expect(r.outputs).toEqual({ planned: '1', failed: '1', changes: '3' });
    expect(r.summary).toMatch(/\| `sites\/a\.csv` \| \*\*no plan\*\*: configuration or start-up checks failed/);
    expect(r.stdout).toMatch(/::error title=wbp plan::1 of 2 site CSV\(s\) could not be planned against lab/);
  });

  it('refuses a file name the provision workflow would refuse, without running wbp', async () => {
    const env = prSetup(['sites/.hidden.csv'], { 'sites/.hidden.csv': CSV_TEXT });
    const r = await pr(env);
    expect(r.code).toBe(1);
    expect(calls(env)).toEqual([]);
    expect(r.summary).toContain('**not planned**: csv must be a path like sites/<name>.csv');
  });

  it('says so when the PR changes no site CSV', async () => {
    const r = await pr(prSetup([], {}));
    expect(r.code).toBe(0);
    expect(r.summary).toContain('No site CSV is added or changed by this PR: nothing to plan.');
    expect(r.outputs).toEqual({ planned: '0', failed: '0', changes: '0' });
  });
});
