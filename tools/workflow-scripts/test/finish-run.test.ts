import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decide, main } from '../finish-run.mjs';
import { describeRun, RUN_EXIT_STATUSES } from '../lib/exit-status.mjs';
import { captureStdout, tempWorkspace } from './helpers.js';

const SHA = 'a'.repeat(64);
let ws: ReturnType<typeof tempWorkspace>;
afterEach(() => ws?.cleanup());

function setup(extra: Record<string, string> = {}) {
  ws = tempWorkspace();
  return {
    ...ws.env,
    EXIT_STATUS: '0',
    RUN_OUTCOME: 'success',
    CLI_RESUMABLE: '',
    CLI_CSV_SHA256: SHA,
    CSV: 'sites/madrid.csv',
    CSV_SHA256: SHA,
    ENVIRONMENT: 'lab',
    ARTIFACT_NAME: `wbp-lab-${SHA}`,
    ARTIFACT_ID: '555',
    ARTIFACT_URL: 'https://github.test/acme/wbp/actions/runs/9000/artifacts/555',
    RESUMED_FROM: '',
    CHAIN_DEPTH: '0',
    MAX_CHAIN_DEPTH: '8',
    AUTO_CONTINUE: 'true',
    GITHUB_RUN_ID: '9000',
    GITHUB_SERVER_URL: 'https://github.test',
    GITHUB_REPOSITORY: 'acme/wbp',
    GITHUB_REF_NAME: 'main',
    ...extra,
  } as Record<string, string>;
}

async function finish(env: Record<string, string>) {
  const { result: code, stdout } = await captureStdout(() => main(env));
  return { code, stdout, outputs: ws.outputs(), summary: ws.summary() };
}

describe('exit statuses of wbp run', () => {
  it('covers every status of the CLI contract, each with a meaning and an action', async () => {
    expect(Object.keys(RUN_EXIT_STATUSES).map(Number)).toEqual([0, 2, 10, 20, 30, 31, 32, 33, 40, 41, 70]);
    for (const s of Object.values(RUN_EXIT_STATUSES)) {
      expect(s.meaning.length).toBeGreaterThan(5);
      expect(s.action.length).toBeGreaterThan(20);
    }
  });

  it('fails the job only when the run did not end in a controlled, usable state', async () => {
    const failing = Object.entries(RUN_EXIT_STATUSES)
      .filter(([, s]) => s.conclusion === 'failure')
      .map(([k]) => Number(k));
    expect(failing).toEqual([2, 20, 30, 31, 32, 33, 70]);
  });

  it('prefers the CLI’s own resumable output', async () => {
    expect(describeRun({ status: '30', runOutcome: 'failure', cliResumable: '' }).resumable).toBe(true);
    expect(describeRun({ status: '30', runOutcome: 'failure', cliResumable: 'false' }).resumable).toBe(false);
    expect(describeRun({ status: '70', runOutcome: 'failure', cliResumable: 'true' }).resumable).toBe(true);
  });

  it('explains a missing status, a signal and an unknown status', async () => {
    expect(describeRun({ status: '', runOutcome: 'skipped', cliResumable: '' })).toMatchObject({
      conclusion: 'failure',
      resumable: false,
      meaning: expect.stringMatching(/did not start/),
    });
    expect(describeRun({ status: '', runOutcome: 'cancelled', cliResumable: '' })).toMatchObject({
      conclusion: 'failure',
      resumable: true,
      meaning: expect.stringMatching(/without reporting an exit status/),
    });
    expect(describeRun({ status: '143', runOutcome: 'failure', cliResumable: '' })).toMatchObject({
      status: 143,
      resumable: true,
      meaning: expect.stringMatching(/signal 15/),
    });
    expect(describeRun({ status: '5', runOutcome: 'failure', cliResumable: '' })).toMatchObject({
      status: 5,
      conclusion: 'failure',
      meaning: expect.stringMatching(/unexpected exit status 5/),
    });
  });
});

describe('finish-run', () => {
  it('exit 0: green, nothing to continue', async () => {
    const r = await finish(setup());
    expect(r.code).toBe(0);
    expect(r.outputs).toEqual({ conclusion: 'success', resumable: 'false', continue: 'false', next_chain_depth: '' });
    expect(r.stdout).toBe(
      '::notice title=wbp run%3A exit status 0::every row succeeded. Nothing is left to do in this environment. After lab, dispatch prod with the same CSV.\n',
    );
    expect(r.summary).toContain('**exit status 0: every row succeeded**');
    expect(r.summary).toContain('[`wbp-lab-' + SHA + '`](https://github.test/acme/wbp/actions/runs/9000/artifacts/555)');
    expect(r.summary).not.toContain('How to resume');
  });

  it('exit 10: a warning, not a failure, and how to re-run fresh after fixing', async () => {
    const r = await finish(setup({ EXIT_STATUS: '10' }));
    expect(r.code).toBe(0);
    expect(r.outputs.conclusion).toBe('warning');
    expect(r.stdout).toMatch(/^::warning title=wbp run%3A exit status 10::finished; some rows are pending or rejected/);
    expect(r.summary).toContain('### How to re-run after fixing');
    expect(r.summary).toContain('gh workflow run provision.yml --ref main -f csv=sites/madrid.csv -f environment=lab -f resume=\n');
  });

  it('exit 40 with auto_continue: asks the continue job for the next link of the chain', async () => {
    const r = await finish(setup({ EXIT_STATUS: '40', CLI_RESUMABLE: 'true', CHAIN_DEPTH: '2' }));
    expect(r.code).toBe(0);
    expect(r.outputs).toEqual({ conclusion: 'success', resumable: 'true', continue: 'true', next_chain_depth: '3' });
    expect(r.summary).toContain('### Continuing automatically');
    expect(r.summary).toContain('continuation #3 of 8 with `resume` = `9000`');
    expect(r.summary).toContain('-f resume=9000');
    expect(r.stdout).toMatch(/^::notice .*Continuation #3 will be dispatched\./);
  });

  it('exit 40 in prod mentions the approval each continuation needs', async () => {
    const r = await finish(setup({ EXIT_STATUS: '40', ENVIRONMENT: 'prod' }));
    expect(r.summary).toContain("then needs a reviewer's approval like any prod run");
    expect(r.summary).toContain("It carries on with this run's plan (no new plan is made).");
  });

  it('exit 40 stops chaining at the limit and says how to resume by hand', async () => {
    const r = await finish(setup({ EXIT_STATUS: '40', CHAIN_DEPTH: '8', MAX_CHAIN_DEPTH: '8' }));
    expect(r.outputs.continue).toBe('false');
    expect(r.outputs.next_chain_depth).toBe('');
    expect(r.summary).toContain('### How to resume');
    expect(r.summary).toContain('the chain already has 8 automatic continuations (limit 8)');
    expect(r.summary).toContain('| resume | `9000` |');
  });

  it('exit 40 without auto_continue or without an uploaded artifact does not continue', async () => {
    expect((await finish(setup({ EXIT_STATUS: '40', AUTO_CONTINUE: 'false' }))).outputs.continue).toBe('false');
    ws.cleanup();
    const r = await finish(setup({ EXIT_STATUS: '40', ARTIFACT_ID: '', RESUMED_FROM: '777' }));
    expect(r.outputs).toMatchObject({ continue: 'false', resumable: 'false' });
    expect(r.summary).toContain('resume again from run `777`');
    expect(r.summary).toContain('| resume | `777` |');
  });

  it('exit 30: red after the upload, with the resume instructions for this run', async () => {
    const r = await finish(setup({ EXIT_STATUS: '30', RUN_OUTCOME: 'failure', CLI_RESUMABLE: 'true', RESUMED_FROM: '8000' }));
    expect(r.code).toBe(1);
    expect(r.outputs).toMatchObject({ conclusion: 'failure', resumable: 'true', continue: 'false' });
    expect(r.stdout).toMatch(/^::error title=wbp run%3A exit status 30::aborted by the circuit breaker\./);
    expect(r.summary).toContain('| resumed from | [run 8000](https://github.test/acme/wbp/actions/runs/8000) |');
    expect(r.summary).toContain('| resume | `9000` |');
  });

  it('exit 31 and 32: never offers this run as a resume point', async () => {
    for (const status of ['31', '32']) {
      const r = await finish(setup({ EXIT_STATUS: status, RUN_OUTCOME: 'failure' }));
      expect(r.code).toBe(1);
      expect(r.outputs.resumable).toBe('false');
      expect(r.summary).toContain('### How to start over');
      expect(r.summary).not.toContain('| resume | `9000` |');
      ws.cleanup();
    }
    ws = tempWorkspace();
  });

  it('exit 20 after a resume: dispatch again from the same run', async () => {
    const r = await finish(setup({ EXIT_STATUS: '20', RUN_OUTCOME: 'failure', RESUMED_FROM: '8000' }));
    expect(r.code).toBe(1);
    expect(r.summary).toContain('### How to dispatch again after fixing');
    expect(r.summary).toContain('| resume | `8000` |');
  });

  it('run step skipped: red, nothing touched', async () => {
    const r = await finish(setup({ EXIT_STATUS: '', RUN_OUTCOME: 'skipped', ARTIFACT_ID: '' }));
    expect(r.code).toBe(1);
    expect(r.summary).toContain('**no exit status: wbp run did not start');
    expect(r.summary).toContain('none uploaded');
  });

  it('cancelled mid-run: red, but the uploaded checkpoint is offered as a resume point', async () => {
    const r = await finish(setup({ EXIT_STATUS: '', RUN_OUTCOME: 'cancelled' }));
    expect(r.code).toBe(1);
    expect(r.outputs.resumable).toBe('true');
    expect(r.summary).toContain('| resume | `9000` |');
  });

  it('warns when the CLI and the workflow hash the CSV differently', async () => {
    const r = await finish(setup({ CLI_CSV_SHA256: 'b'.repeat(64) }));
    expect(r.summary).toContain('hashed the CSV as');
  });

  it('decide() is pure: same environment, same decision', async () => {
    const env = setup({ EXIT_STATUS: '40' });
    expect(decide(env)).toEqual(decide(env));
  });

  it('runs as the workflow starts it, with the summary and outputs in the runner files', async () => {
    const env = setup({ EXIT_STATUS: '32', RUN_OUTCOME: 'failure' });
    const r = spawnSync(process.execPath, [join(import.meta.dirname, '..', 'finish-run.mjs')], {
      env: { PATH: process.env.PATH ?? '', ...env },
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^::error title=wbp run%3A exit status 32::aborted: corrupt outputs or checkpoint/);
    expect(ws.outputs()).toEqual({ conclusion: 'failure', resumable: 'false', continue: 'false', next_chain_depth: '' });
    expect(ws.summary()).toContain('## Outcome');
  });

  it('without runner files, prints the outputs instead (@actions/core’s stdout form)', async () => {
    ws = tempWorkspace();
    const r = spawnSync(process.execPath, [join(import.meta.dirname, '..', 'finish-run.mjs')], {
      env: { PATH: process.env.PATH ?? '', EXIT_STATUS: '0', RUN_OUTCOME: 'success' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('::set-output name=conclusion::success');
  });
});
