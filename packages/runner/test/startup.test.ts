import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type StartedSimulator } from '@wbp/webex-sim';
import { faultProxy, type Fault, type FaultProxy, type ProxiedRequest } from './fault-proxy.js';
import { ONE_USER_CSV, spawnWbp, wbp, workspace } from './helpers.js';

const TOKEN = 'startup-token-2b7e';
const CSV = ONE_USER_CSV;

describe('start-up of wbp run (child process ↔ fault proxy ↔ wbp-sim)', () => {
  let sim: StartedSimulator;
  let proxy: FaultProxy;
  let fault: (req: ProxiedRequest) => Fault | undefined | Promise<Fault | undefined> = () => undefined;
  const env = (extra: Record<string, string> = {}) => ({ ENVIRONMENT: 'lab', WEBEX_BASE_URL: proxy.baseUrl, WEBEX_TOKEN: TOKEN, ...extra });

  beforeAll(async () => {
    sim = await startSimulator({ token: TOKEN, people: [{ email: 'u0@example.com', displayName: 'U 0' }] });
    proxy = await faultProxy(sim.baseUrl, (req) => fault(req));
  });
  afterEach(() => {
    fault = () => undefined;
    proxy.seen.length = 0;
    sim.sim.reset();
  });
  afterAll(async () => {
    await proxy.close();
    await sim.close();
  });

  /** The run-wide org lookups come after the per-check calls: the second GET /licenses, the full GET /locations, GET /telephony/config/locations. */
  it.each<[string, (r: ProxiedRequest) => Fault | undefined, Record<string, string>, RegExp, number?]>([
    [
      '503 on the Calling locations lookup',
      (r) => (r.path === '/telephony/config/locations' ? { status: 503, body: '{"message":"down"}' } : undefined),
      {},
      /startup_checks=fail: retryable: GET (\/v1)?\/telephony\/config\/locations 503/,
      4,
    ],
    [
      'an HTML page on the second GET /licenses',
      (r) =>
        r.path === '/licenses' && r.count > 1
          ? { status: 200, body: '<html><body>Sign in to the proxy</body></html>', headers: { 'content-type': 'text/html' } }
          : undefined,
      { MAX_RETRIES: '0' },
      /startup_checks=fail: .*(GET (\/v1)?\/licenses|org lookups)/,
    ],
    [
      'a truncated JSON body on the full GET /locations',
      (r) => (r.path === '/locations' && !r.query.includes('max=1') ? { status: 200, body: '{"items": [' } : undefined),
      { MAX_RETRIES: '0' },
      /startup_checks=fail: .*(GET (\/v1)?\/locations|org lookups)/,
    ],
    [
      'no answer to the Calling locations lookup',
      (r) => (r.path === '/telephony/config/locations' ? { hang: true } : undefined),
      { MAX_RETRIES: '0', REQUEST_TIMEOUT_SECONDS: '1' },
      /startup_checks=fail: retryable: GET (\/v1)?\/telephony\/config\/locations timeout/,
    ],
  ])(
    '%s is a startup failure: exit 20 with the reason after the retries, no row touched',
    async (_name, f, extra, reason, attempts) => {
      fault = f;
      const dir = await workspace({ 'site.csv': CSV });
      const run = await spawnWbp(dir, ['run', 'site.csv', '--out', 'out', '--progress', 'off'], env(extra));
      expect(run.stderr).toMatch(reason);
      expect(run.stderr).toContain('no row was processed');
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(run.code).toBe(20);
      expect(existsSync(join(dir, 'out', 'results.csv'))).toBe(false);
      expect(readFileSync(join(dir, 'out', 'run.log'), 'utf8')).toContain('"startup_checks":"fail"');
      // A start-up call makes at most 3 retries (MAX_RETRIES is 5 here).
      if (attempts) expect(proxy.seen.filter((r) => r.path === '/telephony/config/locations')).toHaveLength(attempts);
    },
    30_000,
  );

  it('an org that answers 429 with a Retry-After longer than a start-up may wait fails the start-up at once, saying it rate-limits us', async () => {
    fault = () => ({ status: 429, body: '{"message":"Too Many Requests"}', headers: { 'retry-after': '600' } });
    const dir = await workspace({ 'site.csv': CSV });
    const started = Date.now();
    const run = await spawnWbp(dir, ['run', 'site.csv', '--out', 'out', '--progress', 'off'], env());
    expect(run.code).toBe(20);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(run.stderr).toMatch(/startup_checks=fail: rate limited: .*GET (\/v1)?\/people\/me.*rate-limits this token/);
  }, 90_000);

  it('SIGUSR2 and SIGTERM during start-up neither kill the run nor start a row: clean stop, exit 40, and the resume finishes', async () => {
    const dir = await workspace({ 'site.csv': CSV });
    let child: { kill(signal: NodeJS.Signals): boolean } | undefined;
    fault = async (r) => {
      if (r.path !== '/people/me') return undefined;
      child!.kill('SIGUSR2');
      await sleep(300);
      child!.kill('SIGTERM');
      return { delayMs: 300 };
    };
    const run = await spawnWbp(dir, ['run', 'site.csv', '--out', 'out', '--progress', 'off'], env(), (c) => (child = c));
    expect(run.signal).toBeNull();
    expect(run.code).toBe(40);
    expect(existsSync(join(dir, 'out', 'results.csv'))).toBe(false);
    expect(JSON.parse(readFileSync(join(dir, 'out', 'summary.json'), 'utf8'))).toMatchObject({
      exitStatus: 40,
      resumable: true,
      rows: { success: 0, notYetProcessed: 3 },
    });
    const log = readFileSync(join(dir, 'out', 'run.log'), 'utf8');
    expect(log).toContain('"event":"in_flight"');
    expect(log).toContain('"event":"signal","signal":"SIGTERM","stage":"startup_checks"');

    fault = () => undefined;
    const resumed = await spawnWbp(dir, ['run', 'site.csv', '--out', 'out', '--progress', 'off'], env());
    expect(resumed.code).toBe(0);
  }, 60_000);

  it('removes its signal listeners when it ends (SIGUSR2 included)', async () => {
    const dir = await workspace({ 'site.csv': CSV });
    const count = () => ['SIGINT', 'SIGTERM', 'SIGUSR2'].map((s) => process.listenerCount(s));
    const before = count();
    const run = await wbp(['run', 'site.csv', '--out', 'out', '--progress', 'off'], { cwd: dir, env: env() });
    expect(run.code).toBe(0);
    expect(count()).toEqual(before);
  }, 30_000);
});
