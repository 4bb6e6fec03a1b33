import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PENDING_COLUMNS, readCsvRecords, REJECTED_COLUMNS, RESULTS_COLUMNS } from '@wbp/files';
import { READY_COLUMNS } from '@wbp/csv-contract';
import { startSimulator, type StartedSimulator } from '@wbp/webex-sim';
import { spawnWbp, workspace, type Spawned as Run } from './helpers.js';

const TOKEN = 'e2e-secret-token-7f3a9c';
const OAUTH = { clientId: 'svc-app', clientSecret: 'svc-secret-91be', refreshToken: 'svc-refresh-44d0' };

const HEADER =
  'entity_type,location_key,location_name,location_external_id,time_zone,preferred_language,announcement_language,address_line1,address_city,address_state,address_postal_code,address_country,email,calling_enabled,calling_settings_call_waiting,extension,phone_number,caller_id_selected';
const N = 30;
function siteCsv(users = N): string {
  const lines = [HEADER, 'location,,Madrid HQ,ES-MAD-01,Europe/Madrid,es_es,es_es,Calle Mayor 1,Madrid,Madrid,28013,ES,,,,,,'];
  for (let i = 0; i < users; i++) lines.push(`user,ES-MAD-01,,,,,,,,,,,u${i}@example.com,true,${i % 2 ? 'true' : ''},,,`);
  for (let i = 0; i < users; i++)
    lines.push(
      `extension_assignment,ES-MAD-01,,,,,,,,,,,u${i}@example.com,,,${4000 + i},${i < 3 ? `+3491000000${i}` : ''},${i < 3 ? 'direct_line' : ''}`,
    );
  lines.push('user,ES-MAD-01,,,,,,,,,,,not-an-email,true,,,,', 'user,ES-MAD-01,,,,,,,,,,,ghost@example.com,true,,,,');
  return `${lines.join('\n')}\n`;
}

const wbpRun = (cwd: string, args: string[], env: Record<string, string>, onSpawn?: Parameters<typeof spawnWbp>[3]): Promise<Run> =>
  spawnWbp(cwd, ['run', ...args], env, onSpawn);

async function records<C extends string>(file: string, columns: readonly C[]) {
  const out: Record<C, string>[] = [];
  if (existsSync(file)) for await (const r of readCsvRecords(file, columns)) out.push(r);
  return out;
}

describe('wbp run end to end (child process ↔ wbp-sim over HTTP)', () => {
  let sim: StartedSimulator;
  let onRequest: ((total: number) => void) | undefined;
  const env = () => ({ ENVIRONMENT: 'lab', WEBEX_BASE_URL: sim.baseUrl, WEBEX_TOKEN: TOKEN, BATCH_SIZE: '10', CONCURRENCY: '4' });

  beforeAll(async () => {
    sim = await startSimulator({
      token: TOKEN,
      people: Array.from({ length: N }, (_, i) => ({ email: `u${i}@example.com`, displayName: `User ${i}` })),
      numbers: [0, 1, 2].map((i) => ({ locationName: 'Madrid HQ', phoneNumber: `+3491000000${i}` })),
      oauthClient: OAUTH,
      onRequest: (_op, total) => onRequest?.(total),
    });
  });
  beforeEach(() => {
    sim.sim.configure({ token: TOKEN });
    sim.sim.reset();
    onRequest = undefined;
  });
  afterAll(() => sim.close());

  it('provisions the site: outputs satisfy the contract, exit 10 with pending/rejected rows, no secret anywhere; a second fresh run creates and assigns nothing', async () => {
    const dir = await workspace({ 'site.csv': siteCsv() });
    const first = await wbpRun(dir, ['site.csv', '--out', 'out'], env());
    expect(first.stderr).toBe('');
    expect(first.code).toBe(10);
    const out = join(dir, 'out');
    for (const f of [
      'ready_to_load.csv',
      'rejected_rows.csv',
      'results.csv',
      'pending_rows.csv',
      'checkpoint.json',
      'run.log',
      'summary.json',
      'summary.md',
    ]) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    expect(readFileSync(join(out, 'ready_to_load.csv'), 'utf8').split('\n')[0]).toBe(READY_COLUMNS.join(','));
    const results = await records(join(out, 'results.csv'), RESULTS_COLUMNS);
    const pending = await records(join(out, 'pending_rows.csv'), PENDING_COLUMNS);
    const rejected = await records(join(out, 'rejected_rows.csv'), REJECTED_COLUMNS);
    const total = 1 + 2 * N + 2;
    const ids = [...results.map((r) => Number(r.row_id)), ...rejected.map((r) => Number(r.row_id))].sort((a, b) => a - b);
    expect(ids).toEqual(Array.from({ length: total }, (_, i) => i + 1)); // every row exactly once
    expect(rejected.map((r) => r.reason_code)).toEqual(['invalid_input_schema']);
    expect(pending.map((p) => p.reason_code)).toEqual(['user_not_found']);
    expect(results.filter((r) => r.status === 'success')).toHaveLength(1 + 2 * N);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { rows: Record<string, number>; exitStatus: number };
    expect(summary).toMatchObject({ exitStatus: 10, rows: { success: 1 + 2 * N, pending: 1, rejected: 1, notYetProcessed: 0 } });
    const stats = sim.sim.stats();
    expect(stats.requests.invalid).toBe(0);
    expect(stats.state).toMatchObject({ locations: 1, callingLocations: 1, callingUsers: N, identityChanges: 0 });
    const log = readFileSync(join(out, 'run.log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event?: string });
    const events = new Set(log.map((l) => l.event));
    for (const e of ['run_start', 'startup_checks', 'phase_start', 'batch_start', 'batch_end', 'phase_end', 'row_pending', 'run_end'])
      expect(events.has(e), e).toBe(true);
    for (const f of readdirSync(out)) expect(readFileSync(join(out, f), 'utf8'), f).not.toContain(TOKEN);
    expect(first.stdout + first.stderr).not.toContain(TOKEN);

    const creates = () => {
      const ops = sim.sim.stats().requests.byOperation;
      return [ops['POST /locations'] ?? 0, ops['POST /telephony/config/locations'] ?? 0, ops['PATCH /licenses/users'] ?? 0];
    };
    const before = creates();
    const second = await wbpRun(dir, ['site.csv', '--out', 'out-again'], env());
    expect(second.code).toBe(10);
    expect(creates()).toEqual(before);
    expect(sim.sim.stats().state).toMatchObject({ duplicateLocationNames: 0, duplicateLicenseAssignments: 0 });
  }, 60_000);

  it('a bad token fails the startup checks (exit 20) and touches no row', async () => {
    const dir = await workspace({ 'site.csv': siteCsv(3) });
    const run = await wbpRun(dir, ['site.csv', '--out', 'out'], { ...env(), WEBEX_TOKEN: 'wrong-token' });
    expect(run.code).toBe(20);
    expect(run.stderr).toMatch(/startup_checks=fail: auth_invalid/);
    expect(existsSync(join(dir, 'out', 'results.csv'))).toBe(false);
    expect(Object.keys(sim.sim.stats().requests.byOperation)).toEqual(['GET /people/me']);
    expect(readFileSync(join(dir, 'out', 'run.log'), 'utf8')).toContain('"startup_checks":"fail"');
  }, 30_000);

  it('takes explicit --default values for empty location cells, and refuses a column that cannot have one', async () => {
    const noState = siteCsv(1).replace(',Madrid,Madrid,28013,ES,', ',Madrid,,28013,ES,');
    const dir = await workspace({ 'site.csv': noState });
    const rejected = await wbpRun(dir, ['site.csv', '--out', 'out1'], env());
    expect(rejected.code).toBe(10);
    expect(readFileSync(join(dir, 'out1', 'rejected_rows.csv'), 'utf8')).toContain('address_state');
    const filled = await wbpRun(dir, ['site.csv', '--out', 'out2', '--default', 'address_state=Madrid'], env());
    expect(filled.code).toBe(10);
    expect((await records(join(dir, 'out2', 'rejected_rows.csv'), REJECTED_COLUMNS)).map((r) => r.reason_code)).toEqual([
      'invalid_input_schema',
    ]); // only the bad e-mail row
    const bad = await wbpRun(dir, ['site.csv', '--out', 'out3', '--default', 'email=x@y.z'], env());
    expect(bad.code).toBe(2);
  }, 60_000);

  it('bad configuration: one clear message per variable, exit 20', async () => {
    const dir = await workspace({ 'site.csv': siteCsv(1) });
    const run = await wbpRun(dir, ['site.csv', '--out', 'out'], {
      ENVIRONMENT: 'staging',
      WEBEX_TOKEN: TOKEN,
      BATCH_SIZE: 'lots',
      CIRCUIT_BREAKER_THRESHOLD: '2',
    });
    expect(run.code).toBe(20);
    expect(run.stderr).toContain('ENVIRONMENT: ENVIRONMENT must be lab or prod');
    expect(run.stderr).toContain('BATCH_SIZE: BATCH_SIZE must be a whole number');
    expect(run.stderr).toContain('CIRCUIT_BREAKER_THRESHOLD');
    expect(run.stderr).not.toContain(TOKEN);
  }, 30_000);

  it('a token revoked mid-run trips the breaker within one batch (exit 30); with service-app credentials the run refreshes and finishes', async () => {
    const dir = await workspace({ 'site.csv': siteCsv() });
    onRequest = (total) => {
      if (total === 40) sim.sim.configure({ token: 'rotated-by-someone' });
    };
    // The bound is the early-stop window plus the rows in flight when the token dies: pinned at 4
    // here, since the rate controller would otherwise grow the rows in flight on a slow machine.
    const dead = await wbpRun(dir, ['site.csv', '--out', 'out'], { ...env(), CONCURRENCY_MAX: '4' });
    expect(dead.code).toBe(30);
    const results = await records(join(dir, 'out', 'results.csv'), RESULTS_COLUMNS);
    const authFailures = results.filter((r) => r.message.startsWith('auth_invalid'));
    expect(authFailures.length).toBeGreaterThan(0);
    expect(authFailures.length).toBeLessThanOrEqual(10); // BATCH_SIZE
    expect(readFileSync(join(dir, 'out', 'run.log'), 'utf8')).toContain('"event":"circuit_breaker"');

    sim.sim.configure({ token: TOKEN });
    sim.sim.reset();
    onRequest = (total) => {
      if (total === 40) sim.sim.configure({ token: 'rotated-by-schedule' });
    };
    const refreshed = await wbpRun(dir, ['site.csv', '--out', 'out-refresh'], {
      ...env(),
      WEBEX_CLIENT_ID: OAUTH.clientId,
      WEBEX_CLIENT_SECRET: OAUTH.clientSecret,
      WEBEX_REFRESH_TOKEN: OAUTH.refreshToken,
    });
    expect(refreshed.code).toBe(10);
    const log = readFileSync(join(dir, 'out-refresh', 'run.log'), 'utf8');
    expect(log).toContain('"event":"token_refresh","ok":true');
    for (const secret of [OAUTH.clientSecret, OAUTH.refreshToken, 'rotated-by-schedule']) expect(log).not.toContain(secret);
  }, 60_000);

  it('an old checkpoint of a different CSV aborts (exit 31) and leaves the outputs untouched; a spent time budget stops (exit 40) and resumes', async () => {
    const dir = await workspace({ 'site.csv': siteCsv(4), 'other.csv': siteCsv(5) });
    expect((await wbpRun(dir, ['site.csv', '--out', 'out'], env())).code).toBe(10);
    const before = readdirSync(join(dir, 'out')).map((f) => [f, readFileSync(join(dir, 'out', f), 'utf8')]);
    const mismatch = await wbpRun(dir, ['other.csv', '--out', 'out'], env());
    expect(mismatch.code).toBe(31);
    expect(
      readdirSync(join(dir, 'out'))
        .filter((f) => f !== 'run.log')
        .map((f) => [f, readFileSync(join(dir, 'out', f), 'utf8')]),
    ).toEqual(before.filter(([f]) => f !== 'run.log'));

    // A budget spent before the first row (a zero budget is refused): the start-up requests alone take longer.
    sim.sim.configure({ latencyMs: 600 });
    const stopped = await wbpRun(dir, ['other.csv', '--out', 'budget', '--time-budget', '1s'], env());
    sim.sim.configure({ latencyMs: 0 });
    expect(stopped.code).toBe(40);
    expect(JSON.parse(readFileSync(join(dir, 'budget', 'summary.json'), 'utf8'))).toMatchObject({
      resumable: true,
      rows: { notYetProcessed: 12 },
    });
    const resumed = await wbpRun(dir, ['other.csv', '--out', 'budget'], env());
    expect(resumed.code).toBe(10);
    expect((await records(join(dir, 'budget', 'results.csv'), RESULTS_COLUMNS)).length).toBe(12);
  }, 60_000);

  it('SIGTERM (a cancelled job) finishes the rows in flight, checkpoints and exits 40; the resume completes the CSV', async () => {
    const dir = await workspace({ 'site.csv': siteCsv() });
    const stopped = await wbpRun(dir, ['site.csv', '--out', 'out'], env(), (child) => {
      onRequest = (total) => {
        if (total === 30) {
          onRequest = undefined;
          child.kill('SIGTERM');
        }
      };
    });
    expect(stopped.code).toBe(40);
    const partial = await records(join(dir, 'out', 'results.csv'), RESULTS_COLUMNS);
    expect(partial.length).toBeLessThan(1 + 2 * N + 1);
    expect(readFileSync(join(dir, 'out', 'run.log'), 'utf8')).toContain('"event":"signal"');
    const resumed = await wbpRun(dir, ['site.csv', '--out', 'out'], env());
    expect(resumed.code).toBe(10);
    const all = await records(join(dir, 'out', 'results.csv'), RESULTS_COLUMNS);
    expect(new Set(all.map((r) => r.row_id)).size).toBe(all.length);
    expect(all.length).toBe(1 + 2 * N + 1);
  }, 60_000);

  it('writes GitHub outputs and the step summary when run in Actions', async () => {
    const dir = await workspace({ 'site.csv': siteCsv(2), 'summary.md': '', 'output.txt': '' });
    const run = await wbpRun(dir, ['site.csv', '--out', 'out'], {
      ...env(),
      GITHUB_STEP_SUMMARY: join(dir, 'summary.md'),
      GITHUB_OUTPUT: join(dir, 'output.txt'),
    });
    expect(run.code).toBe(10);
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toContain('| pending | `user_not_found` | 1 |');
    expect(readFileSync(join(dir, 'output.txt'), 'utf8')).toMatch(/^exit_status=10\nresumable=false\ncsv_sha256=[0-9a-f]{64}\n$/);
  }, 30_000);
});
