import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type StartedSimulator } from '@wbp/webex-sim';
import { faultProxy, type FaultProxy } from './fault-proxy.js';
import { ONE_USER_CSV, spawnWbp, workspace, type Spawned } from './helpers.js';

const TOKEN = 'plant-access-token-5d2f';
/** What the service-app refresh hands out: the simulator only accepts this one, so the run refreshes at its first call. */
const REFRESHED = 'plant-refreshed-token-81ac';
const OAUTH = { clientId: 'svc-app', clientSecret: 'plant-client-secret-3e9b', refreshToken: 'plant-refresh-token-c07d' };
const SECRETS = [TOKEN, REFRESHED, OAUTH.clientSecret, OAUTH.refreshToken];

const CSV = ONE_USER_CSV;

/** Every byte the run left: its output folder, the GitHub files, stdout and stderr. */
function everything(dir: string, run: Spawned): Record<string, string> {
  const out: Record<string, string> = { stdout: run.stdout, stderr: run.stderr };
  for (const sub of ['', 'out']) {
    let names: string[] = [];
    try {
      names = readdirSync(join(dir, sub), { withFileTypes: true })
        .filter((d) => d.isFile())
        .map((d) => d.name);
    } catch {
      continue;
    }
    for (const f of names) out[join(sub, f)] = readFileSync(join(dir, sub, f), 'utf8');
  }
  return out;
}

function expectNoSecret(files: Record<string, string>, secrets: readonly string[]): void {
  for (const [name, text] of Object.entries(files))
    for (const secret of secrets) expect(text, `${secret} in ${name}`).not.toContain(secret);
}

describe('no secret in any output (child process ↔ a reflecting proxy ↔ wbp-sim)', () => {
  let sim: StartedSimulator;
  let proxy: FaultProxy;
  const learnt: string[] = [];

  beforeAll(async () => {
    sim = await startSimulator({ token: REFRESHED, people: [{ email: 'u0@example.com', displayName: 'U 0' }], oauthClient: OAUTH });
    // A proxy that answers the location create with a 400 quoting the Authorization header, the
    // bare token and every credential it has seen go by (the refresh request's form).
    proxy = await faultProxy(sim.baseUrl, (r) => {
      if (r.path === '/access_token') {
        const form = new URLSearchParams(r.body);
        learnt.push(form.get('client_secret') ?? '', form.get('refresh_token') ?? '');
      }
      if (r.method !== 'POST' || r.path !== '/locations') return undefined;
      const auth = String(r.headers.authorization);
      const message = `Invalid request: you sent Authorization: ${auth}; token ${auth.replace(/^Bearer /, '')}; credentials seen: ${learnt.join(' ')}; upstream https://svc:${OAUTH.clientSecret}@idbroker`;
      return { status: 400, body: JSON.stringify({ message, errors: [{ description: message }], trackingId: 'WBP_reflect' }) };
    });
  });
  afterAll(async () => {
    await proxy.close();
    await sim.close();
  });

  it('a token, refresh token, client secret and refreshed token reflected in an error body reach no file, log, summary or terminal', async () => {
    const dir = await workspace({ 'site.csv': CSV, 'step-summary.md': '', 'github-output.txt': '' });
    const run = await spawnWbp(dir, ['run', 'site.csv', '--out', 'out', '--progress', 'off'], {
      ENVIRONMENT: 'lab',
      WEBEX_BASE_URL: proxy.baseUrl,
      WEBEX_TOKEN: TOKEN,
      WEBEX_CLIENT_ID: OAUTH.clientId,
      WEBEX_CLIENT_SECRET: OAUTH.clientSecret,
      WEBEX_REFRESH_TOKEN: OAUTH.refreshToken,
      GITHUB_STEP_SUMMARY: join(dir, 'step-summary.md'),
      GITHUB_OUTPUT: join(dir, 'github-output.txt'),
    });
    // The one location row fails non_retryable_external: the circuit breaker stops the run after that batch.
    expect(run.code, run.stderr).toBe(30);
    // The reflection happened: the refresh ran, and the 400's message is in the row's outputs, scrubbed.
    expect(learnt).toContain(OAUTH.clientSecret);
    const files = everything(dir, run);
    expect(files[join('out', 'pending_rows.csv')]).toContain('Bearer [redacted]');
    expect(files[join('out', 'results.csv')]).toContain('credentials seen: [redacted] [redacted]');
    expect(files[join('out', 'run.log')]).toContain('https://[redacted]@idbroker');
    expectNoSecret(files, SECRETS);
  }, 60_000);

  it.each([
    [
      'a WEBEX_TOKEN with a line break',
      { WEBEX_TOKEN: 'plant-first-half\nplant-second-half' },
      'WEBEX_TOKEN holds a character that cannot be sent in an HTTP header',
      ['plant-first-half', 'plant-second-half'],
    ],
    [
      'a WEBEX_TOKEN with a non-ASCII character',
      { WEBEX_TOKEN: 'plant-tökén-aa41' },
      'WEBEX_TOKEN holds a character that cannot be sent in an HTTP header',
      ['plant-tökén-aa41', 'tökén'],
    ],
    [
      'credentials in WEBEX_BASE_URL',
      { WEBEX_BASE_URL: 'http://admin:plant-pass-42@127.0.0.1:9/v1' },
      'WEBEX_BASE_URL must not carry a user name or password',
      ['plant-pass-42'],
    ],
  ])(
    '%s is refused at configuration time (exit 20) without echoing it',
    async (_name, bad, message, planted) => {
      const dir = await workspace({ 'site.csv': CSV });
      const run = await spawnWbp(dir, ['run', 'site.csv', '--out', 'out'], {
        ENVIRONMENT: 'lab',
        WEBEX_BASE_URL: 'http://127.0.0.1:9/v1',
        WEBEX_TOKEN: TOKEN,
        ...bad,
      });
      expect(run.stderr).toContain(message);
      expect(run.code).toBe(20);
      expectNoSecret(everything(dir, run), planted);
    },
    30_000,
  );
});
