import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PENDING_COLUMNS, readCsvRecords, RESULTS_COLUMNS } from '@wbp/files';
import { startSimulator, type StartedSimulator } from '@wbp/webex-sim';
import { assignmentRow, inputCsv, locationRow } from '../../../test-support/rows.js';
import { callingUserRow, spawnWbp, workspace, type Spawned } from './helpers.js';

// Issue 13 item 6: after a finished run, fix the org and run the same CSV with the same --out;
// only the rows whose latest outcome is pending are tried again, as attempt 2.

const TOKEN = 'rerun-secret-token-51c2';
/** One location; users `present` (in the directory) then `missing` (not synced yet), each with a call-waiting setting and an extension. */
function siteCsv(present: string[], missing: string[]): string {
  const emails = [...present, ...missing];
  const rows = [locationRow()];
  for (const e of emails) rows.push(callingUserRow(e, { calling_settings_call_waiting: 'true' }));
  for (const [i, e] of emails.entries()) rows.push(assignmentRow({ email: e, extension: String(5000 + i) }));
  return inputCsv(rows);
}

type Line = Record<(typeof RESULTS_COLUMNS)[number], string>;

async function results(out: string): Promise<Line[]> {
  const lines: Line[] = [];
  for await (const r of readCsvRecords(join(out, 'results.csv'), RESULTS_COLUMNS)) lines.push(r);
  return lines;
}

async function pendingLines(out: string) {
  const lines: Record<(typeof PENDING_COLUMNS)[number], string>[] = [];
  for await (const r of readCsvRecords(join(out, 'pending_rows.csv'), PENDING_COLUMNS)) lines.push(r);
  return lines;
}

const json = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
const logEvents = (out: string) =>
  readFileSync(join(out, 'run.log'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('re-running the pending rows of a finished run (child process ↔ wbp-sim over HTTP)', () => {
  let sim: StartedSimulator;
  let onRequest: ((total: number) => void) | undefined;
  const env = () => ({ ENVIRONMENT: 'lab', WEBEX_BASE_URL: sim.baseUrl, WEBEX_TOKEN: TOKEN, BATCH_SIZE: '5', CONCURRENCY: '3' });
  const run = (dir: string, onSpawn?: Parameters<typeof spawnWbp>[3]): Promise<Spawned> =>
    spawnWbp(dir, ['run', 'site.csv', '--out', 'out'], env(), onSpawn);
  /** The referee's counters over HTTP, as an operator's tooling would read them. */
  const stats = async () =>
    (await (await fetch(sim.baseUrl.replace(/\/v1$/, '/_sim/stats'))).json()) as {
      requests: { total: number; byOperation: Record<string, number> };
      state: Record<string, number>;
    };
  const mutations = async () =>
    Object.fromEntries(Object.entries((await stats()).requests.byOperation).filter(([op]) => !op.startsWith('GET ')));
  const delta = (after: Record<string, number>, before: Record<string, number>) =>
    Object.fromEntries(
      Object.entries(after)
        .map(([op, n]) => [op, n - (before[op] ?? 0)])
        .filter(([, n]) => n !== 0),
    );
  const sync = (email: string) =>
    fetch(sim.baseUrl.replace(/\/v1$/, '/_sim/people'), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email, displayName: email.split('@')[0] }),
    });

  const PRESENT = ['ana@example.com', 'luis@example.com'];

  beforeAll(async () => {
    sim = await startSimulator({
      token: TOKEN,
      people: PRESENT.map((email) => ({ email, displayName: email.split('@')[0]! })),
      onRequest: (_op, total) => onRequest?.(total),
    });
  });
  beforeEach(() => {
    sim.sim.reset();
    onRequest = undefined;
  });
  afterAll(() => sim.close());

  it('a user_not_found row fixed by the directory sync ends success in attempt 2; success rows get no request and no line; a third run has nothing to do', async () => {
    const dir = await workspace({ 'site.csv': siteCsv(PRESENT, ['late@example.com']) });
    const out = join(dir, 'out');
    const first = await run(dir);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(10);
    const attempt1 = await results(out);
    // row ids: 1 location, 2-4 users (late = 4), 5-7 assignments (late's = 7)
    expect(attempt1.map((r) => [r.row_id, r.status, r.attempt])).toEqual(
      expect.arrayContaining([
        ['4', 'pending', '1'],
        ['7', 'pending', '1'],
      ]),
    );
    expect(attempt1.filter((r) => r.status === 'success')).toHaveLength(5);
    expect((await pendingLines(out)).map((p) => [p.row_id, p.reason_code, p.attempt])).toEqual([
      ['4', 'user_not_found', '1'],
      ['7', 'user_not_found', '1'],
    ]);
    expect(json(join(out, 'checkpoint.json'))).toMatchObject({ attempt: 1, attempt_finished_at: expect.any(String) });
    const resultsBefore = readFileSync(join(out, 'results.csv'), 'utf8');
    const pendingBefore = readFileSync(join(out, 'pending_rows.csv'), 'utf8');

    // The LDAP sync brings the person in; the CSV does not change.
    expect((await sync('late@example.com')).status).toBe(200);
    const before = await mutations();
    const second = await run(dir);
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0); // the CSV as a whole: every row's latest outcome is success
    // Only late@'s row changed anything: one licence assignment (with the extension of its
    // assignment row) and its one call-waiting setting. No location, no one else.
    expect(delta(await mutations(), before)).toEqual({ 'PATCH /licenses/users': 1, 'PUT /people/{personId}/features/callWaiting': 1 });

    // Append-only: attempt 1's lines are untouched, attempt 2 added one line per row it ran.
    const resultsAfter = readFileSync(join(out, 'results.csv'), 'utf8');
    expect(resultsAfter.startsWith(resultsBefore)).toBe(true);
    expect(readFileSync(join(out, 'pending_rows.csv'), 'utf8')).toBe(pendingBefore);
    const attempt2 = (await results(out)).slice(attempt1.length);
    expect(attempt2.map((r) => [r.row_id, r.phase, r.status, r.attempt])).toEqual([
      ['4', '2', 'success', '2'],
      ['7', '3', 'success', '2'],
    ]);
    const summary = json(join(out, 'summary.json'));
    expect(summary).toMatchObject({
      attempt: 2,
      exitStatus: 0,
      rows: { total: 7, success: 7, pending: 0, rejected: 0, notYetProcessed: 0 },
      pendingByReason: {},
    });
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toMatch(/^## wbp run — site\.csv \(lab, attempt 2\)/);
    expect(json(join(out, 'checkpoint.json'))).toMatchObject({
      phase: 3,
      attempt: 2,
      attempt_finished_at: expect.any(String),
      started_at: json(join(out, 'checkpoint.json')).started_at,
    });
    const log = logEvents(out);
    const starts = log.filter((l) => l.event === 'run_start');
    expect(starts.map((l) => [l.attempt, l.attempt_kind])).toEqual([
      [1, 'first'],
      [2, 're_run'],
    ]);
    expect(log.find((l) => l.event === 'attempt_start' && l.attempt === 2)).toMatchObject({ rows: 2 });
    expect((await stats()).state).toMatchObject({
      callingUsers: 3,
      duplicateLicenseAssignments: 0,
      identityChanges: 0,
      duplicateLocationNames: 0,
    });

    // Nothing pending now: no request at all, the same files, the same verdict.
    const total = (await stats()).requests.total;
    const third = await run(dir);
    expect(third.code).toBe(0);
    expect(third.stdout).toMatch(/^nothing to re-run: attempt 2 finished and no row is pending; no request sent\n/m);
    expect((await stats()).requests.total).toBe(total);
    expect(readFileSync(join(out, 'results.csv'), 'utf8')).toBe(resultsAfter);
    expect(logEvents(out).at(-2)).toMatchObject({ event: 'nothing_pending', attempt: 2 });
    expect(json(join(out, 'summary.json'))).toMatchObject({
      attempt: 2,
      exitStatus: 0,
      detail: expect.stringMatching(/nothing to re-run/),
    });
  }, 90_000);

  it('a row still pending after attempt 2 keeps the run at exit 10, with its reason from attempt 2', async () => {
    const dir = await workspace({ 'site.csv': siteCsv(PRESENT, ['late@example.com', 'never@example.com']) });
    const out = join(dir, 'out');
    expect((await run(dir)).code).toBe(10);
    await sync('late@example.com');
    expect((await run(dir)).code).toBe(10);
    const summary = json(join(out, 'summary.json'));
    // 1 location + 4 users + 4 assignments; never@'s user and assignment rows stay pending, counted once each.
    expect(summary).toMatchObject({
      attempt: 2,
      exitStatus: 10,
      rows: { total: 9, success: 7, pending: 2, notYetProcessed: 0 },
      pendingByReason: { user_not_found: 2 },
    });
    // Lines land in the order rows end (rows run concurrently, phases overlap): compare as sets.
    const byKey = (a: string[], b: string[]) => `${a.join()}`.localeCompare(`${b.join()}`);
    expect((await pendingLines(out)).map((p) => [p.entity_key, p.attempt]).sort(byKey)).toEqual([
      ['ES-MAD-01:5002', '1'],
      ['ES-MAD-01:5003', '1'],
      ['ES-MAD-01:5003', '2'],
      ['late@example.com', '1'],
      ['never@example.com', '1'],
      ['never@example.com', '2'],
    ]);
    const lines = await results(out);
    expect(
      lines
        .filter((r) => r.attempt === '2')
        .map((r) => [r.entity_key, r.status])
        .sort(byKey),
    ).toEqual([
      ['ES-MAD-01:5002', 'success'], // late@'s assignment row
      ['ES-MAD-01:5003', 'pending'], // never@'s
      ['late@example.com', 'success'],
      ['never@example.com', 'pending'],
    ]);
  }, 90_000);

  it('SIGKILL during attempt 2 resumes attempt 2: no attempt 3, no success row run again, every row ends once per attempt', async () => {
    const missing = Array.from({ length: 12 }, (_, i) => `m${i}@example.com`);
    const csv = siteCsv(PRESENT, missing);
    const rows = 1 + 2 * (PRESENT.length + missing.length);
    for (const killAt of [12, 30]) {
      sim.sim.reset();
      const dir = await workspace({ 'site.csv': csv });
      const out = join(dir, 'out');
      expect((await run(dir)).code).toBe(10);
      const attempt1 = await results(out);
      expect(attempt1.filter((r) => r.status === 'pending')).toHaveLength(2 * missing.length);
      for (const email of missing) await sync(email);

      // Attempt 2, killed at its killAt-th request (past the startup checks: rows are in flight).
      let requestsAtStart: number | undefined;
      const killed = await run(dir, (child) => {
        requestsAtStart = sim.sim.stats().requests.total;
        onRequest = (total) => {
          if (total - requestsAtStart! >= killAt) {
            onRequest = undefined;
            child.kill('SIGKILL');
          }
        };
      });
      onRequest = undefined;
      expect(killed.signal, `kill at ${killAt}`).toBe('SIGKILL');
      expect(json(join(out, 'checkpoint.json')), `kill at ${killAt}`).toMatchObject({ attempt: 2 });
      expect(json(join(out, 'checkpoint.json')).attempt_finished_at).toBeUndefined();

      const resumed = await run(dir);
      expect(resumed.stderr).toBe('');
      expect(resumed.code, `kill at ${killAt}`).toBe(0);
      const log = logEvents(out);
      expect(log.filter((l) => l.event === 'run_start').map((l) => [l.attempt, l.attempt_kind])).toEqual([
        [1, 'first'],
        [2, 're_run'],
        [2, 'resume'],
      ]);
      const all = await results(out);
      expect(all.slice(0, attempt1.length)).toEqual(attempt1);
      expect(all.every((r) => r.attempt === '1' || r.attempt === '2')).toBe(true);
      const perRowAttempt = new Set(all.map((r) => `${r.row_id}:${r.attempt}`));
      expect(perRowAttempt.size, 'one line per row per attempt').toBe(all.length);
      const attempt2Rows = all.filter((r) => r.attempt === '2').map((r) => r.row_id);
      const pending1 = attempt1.filter((r) => r.status === 'pending').map((r) => r.row_id);
      expect(attempt2Rows.sort()).toEqual(pending1.sort()); // exactly the pending rows, none of attempt 1's successes
      expect(all.filter((r) => r.attempt === '2').every((r) => r.status === 'success')).toBe(true);
      expect(json(join(out, 'summary.json'))).toMatchObject({
        attempt: 2,
        rows: { total: rows, success: rows, pending: 0, notYetProcessed: 0 },
      });
      expect(json(join(out, 'checkpoint.json'))).toMatchObject({ attempt: 2, attempt_finished_at: expect.any(String) });
      expect((await stats()).state).toMatchObject({
        callingUsers: PRESENT.length + missing.length,
        duplicateLicenseAssignments: 0,
        identityChanges: 0,
        duplicateLocationNames: 0,
      });
    }
  }, 180_000);
});
