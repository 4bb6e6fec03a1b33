import { describe, expect, it } from 'vitest';
import { ensureOnlyRun, parseRunTitle } from '../lib/queue-guard.mjs';
import { type FakeRun, fakeGithubApi } from './helpers.js';

const title = (env: string, extra = '') => `provision sites/madrid.csv → ${env}${extra}`;

function guard(runs: FakeRun[], want: Partial<Parameters<typeof ensureOnlyRun>[1]> = {}, onSleep?: (world: { runs: FakeRun[] }) => void) {
  const api = fakeGithubApi([], [], { runs, approvals: {} });
  const slept: number[] = [];
  const ctx = { apiUrl: 'http://api.test', repository: 'acme/wbp', token: 'ghs_job_token', fetch: api.fetch };
  const result = ensureOnlyRun(ctx, {
    workflowFile: 'provision.yml',
    runId: '500',
    runAttempt: 1,
    environment: 'prod',
    continuation: false,
    sleep: async (ms: number) => {
      slept.push(ms);
      onSleep?.(api.world);
    },
    ...want,
  });
  return { result, slept, api };
}

describe('one provision run per environment, nothing replaced', () => {
  it('reads the environment and continuation number from the run name', () => {
    expect(parseRunTitle(title('prod'))).toEqual({ environment: 'prod', continuation: 0 });
    expect(parseRunTitle(title('lab', ' (resume 123) [continuation 3]'))).toEqual({ environment: 'lab', continuation: 3 });
    expect(parseRunTitle('ci')).toBeUndefined();
  });

  it('lets a dispatch go on when no other run of its environment is under way', async () => {
    const { result } = guard([
      { id: 400, status: 'completed', display_title: title('prod') },
      { id: 450, status: 'in_progress', display_title: title('lab') },
      { id: 600, status: 'queued', display_title: title('prod') }, // later: it refuses itself
    ]);
    await expect(result).resolves.toEqual({ waitedSeconds: 0 });
  });

  it('refuses a manual dispatch, naming the waiting continuation, instead of replacing it', async () => {
    const { result, slept } = guard([{ id: 450, status: 'pending', display_title: title('prod', ' (resume 400) [continuation 2]') }]);
    await expect(result).rejects.toThrow(
      /another provision run of prod has not ended: automatic continuation #2 \(run 450, .*, pending\)\. Nothing was done and nothing was cancelled/,
    );
    expect(slept).toEqual([]);
  });

  it('counts a run whose name it cannot read as the same environment', async () => {
    const { result } = guard([{ id: 450, status: 'waiting', display_title: 'something else' }]);
    await expect(result).rejects.toThrow(/run 450/);
  });

  it('refuses a re-run attempt while any other run of the environment is under way, even a newer one', async () => {
    const { result } = guard([{ id: 900, status: 'in_progress', display_title: title('prod') }], { runAttempt: 2 });
    await expect(result).rejects.toThrow(/run 900/);
  });

  it('lets an automatic continuation wait for the run that dispatched it, then go on', async () => {
    const { result, slept } = guard(
      [{ id: 450, status: 'in_progress', display_title: title('prod') }],
      { continuation: true, pollSeconds: 15 },
      (world) => {
        world.runs[0] = { id: 450, status: 'completed', display_title: title('prod') };
      },
    );
    await expect(result).resolves.toEqual({ waitedSeconds: 15 });
    expect(slept).toEqual([15_000]);
  });

  it('stops an automatic continuation that waited too long, loudly', async () => {
    const { result, slept } = guard([{ id: 450, status: 'in_progress', display_title: title('prod') }], {
      continuation: true,
      pollSeconds: 15,
      maxWaitSeconds: 45,
    });
    await expect(result).rejects.toThrow(/waited 45 s for a run \(run 450, .*\) to end, and it has not: nothing was done/);
    expect(slept).toHaveLength(3);
  });
});
