import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startSimulator, type StartedSimulator } from '@wbp/webex-sim';
import { assignmentRow, inputCsv, locationRow } from '../../../test-support/rows.js';
import { callingUserRow, wbp, workspace } from './helpers.js';
import { tempDir } from '../../../test-support/temp-dir.js';

/**
 * Every call of the contract's row validator during a real `wbp run` (in-process), by row: the
 * run validates each row once, and later passes over ready_to_load.csv read the bytes whose hash
 * was verified instead of validating again.
 */
const validations = vi.hoisted(() => ({ calls: [] as string[] }));
vi.mock('../../csv-contract/src/validate-row.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../csv-contract/src/validate-row.ts')>();
  return {
    ...actual,
    validateRecord: (...args: Parameters<typeof actual.validateRecord>) => {
      const raw = args[0];
      validations.calls.push(`${raw.entity_type}|${raw.location_name || raw.email}`);
      return actual.validateRecord(...args);
    },
  };
});

const TOKEN = 'ready-once-token-3d91';
const USERS = 4;
const CSV = inputCsv([
  locationRow(),
  ...Array.from({ length: USERS }, (_, i) => callingUserRow(`u${i}@example.com`)),
  callingUserRow('not-an-email'),
  ...Array.from({ length: USERS }, (_, i) => assignmentRow({ email: `u${i}@example.com`, extension: String(4000 + i) })),
]);
/** Data rows of CSV, each with its own identity (entity_type + location name or e-mail). */
const ROWS = 2 + 2 * USERS;
const READY = ROWS - 1;

function tally(calls: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of calls) out[c] = (out[c] ?? 0) + 1;
  return out;
}

function runLog(dir: string): Record<string, unknown>[] {
  return readFileSync(join(dir, 'out', 'run.log'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('wbp run validates each row once; ready_to_load.csv is read once, from the bytes whose hash was verified', () => {
  let sim: StartedSimulator;
  let requests = 0;
  const env = (extra: Record<string, string> = {}) => ({
    ENVIRONMENT: 'lab',
    WEBEX_BASE_URL: sim.baseUrl,
    WEBEX_TOKEN: TOKEN,
    BATCH_SIZE: '2',
    CONCURRENCY: '2',
    ...extra,
  });
  const run = (dir: string, extra: Record<string, string> = {}) =>
    wbp(['run', 'site.csv', '--out', 'out', '--progress', 'off'], { cwd: dir, env: env(extra) });

  beforeAll(async () => {
    sim = await startSimulator({
      token: TOKEN,
      people: Array.from({ length: USERS }, (_, i) => ({ email: `u${i}@example.com`, displayName: `User ${i}` })),
      onRequest: () => requests++,
    });
  });
  beforeEach(() => {
    sim.sim.reset();
    validations.calls.length = 0;
    requests = 0;
  });
  afterAll(() => sim.close());

  it('a fresh run validates each row once; its resume validates each ready row once more, not once per pass; rows_start says where start-up went', async () => {
    const dir = await workspace({ 'site.csv': CSV });
    const first = await run(dir, { MAX_ROWS: '3' });
    expect(first.code).toBe(41);
    const fresh = tally(validations.calls);
    expect(Object.keys(fresh)).toHaveLength(ROWS);
    expect(Object.values(fresh).every((n) => n === 1)).toBe(true);

    validations.calls.length = 0;
    const resumed = await run(dir);
    expect(resumed.code).toBe(10);
    const again = tally(validations.calls);
    expect(Object.keys(again)).toHaveLength(READY); // the rejected row is not in ready_to_load.csv
    expect(Object.values(again).every((n) => n === 1)).toBe(true);

    const log = runLog(dir);
    const starts = log.filter((l) => l.event === 'rows_start');
    expect(starts).toHaveLength(2); // one per invocation
    for (const [i, line] of starts.entries()) {
      expect(line).toMatchObject({ validation_reused: i === 1 });
      for (const key of ['startup_ms', 'load_ms', 'prepare_ms', 'validation_ms', 'verify_ms', 'startup_checks_ms', 'executor_ms'])
        expect(line[key], key).toEqual(expect.any(Number));
      const parts = ['load_ms', 'prepare_ms', 'validation_ms', 'verify_ms', 'startup_checks_ms', 'executor_ms'].reduce(
        (n, k) => n + Number(line[k]),
        0,
      );
      expect(Math.abs(parts - Number(line.startup_ms))).toBeLessThanOrEqual(6); // each part rounded
      // just before the invocation's first row: after its startup checks, right before its first batch starts
      const at = log.indexOf(line);
      const invocation = log.slice(0, at).findLastIndex((l) => l.event === 'run_start');
      const before = log.slice(invocation, at).map((l) => l.event);
      expect(before).toContain('startup_checks');
      expect(before).not.toContain('batch_start');
      expect(log[at + 1]).toMatchObject({ event: 'batch_start' });
    }
  }, 60_000);

  it.each([
    ['a value changed that still validates', (t: string) => t.replace(',u1@example.com,', ',u9@example.com,')],
    ['a value changed that no longer validates', (t: string) => t.replace(',4001,', ',40x1,')],
    [
      'a row removed',
      (t: string) =>
        t
          .split('\n')
          .filter((l) => !l.includes(',u2@example.com,'))
          .join('\n'),
    ],
  ])(
    'a hand-edited ready_to_load.csv is refused on resume (%s): exit 32 before any request, nothing appended',
    async (_label, edit) => {
      const dir = await workspace({ 'site.csv': CSV });
      expect((await run(dir, { MAX_ROWS: '3' })).code).toBe(41);
      const copy = tempDir('wbp-ready-once-');
      cpSync(dir, copy, { recursive: true });
      const path = join(copy, 'out', 'ready_to_load.csv');
      const text = readFileSync(path, 'utf8');
      writeFileSync(path, edit(text));
      expect(readFileSync(path, 'utf8')).not.toBe(text);
      const results = readFileSync(join(copy, 'out', 'results.csv'), 'utf8');

      requests = 0;
      validations.calls.length = 0;
      const resumed = await run(copy);
      expect(resumed.code).toBe(32);
      expect(resumed.stderr).toMatch(/ready_to_load\.csv.*is not the file validation wrote/);
      expect(requests).toBe(0);
      expect(validations.calls).toEqual([]); // refused by its hash, before any row is read
      expect(readFileSync(join(copy, 'out', 'results.csv'), 'utf8')).toBe(results);
      expect(runLog(copy).some((l) => l.event === 'corrupt_outputs')).toBe(true);
    },
    60_000,
  );
});
