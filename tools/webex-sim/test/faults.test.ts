import { describe, expect, it, vi } from 'vitest';
import { WebexApiError } from '@wbp/webex-client';
import { CALLING_PRO } from '../src/index.js';
import { clientFor, configure as configureAt, madrid, raw, stats, useSimulator } from './harness.js';

const box = useSimulator();

const configure = (patch: Record<string, unknown>) => configureAt(box.control, patch);

async function err(p: Promise<unknown>): Promise<WebexApiError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(WebexApiError);
  return e as WebexApiError;
}

describe('faults over real HTTP', () => {
  it('apply-then-drop: the location exists, the client saw a dropped connection and knows the outcome is unknown', async () => {
    await configure({ applyThenDropRate: 1 });
    try {
      const e = await err(clientFor(box.sim.baseUrl).locations.create(madrid));
      expect(e.failure).toBe('network');
      expect(e.outcomeUnknown).toBe(true);
    } finally {
      await configure({ applyThenDropRate: 0 });
    }
    const s = await stats(box.control);
    expect(s.state.locations).toBe(1);
    expect(s.requests.byStatus.reset).toBe(1);
    expect((await clientFor(box.sim.baseUrl).locations.list({ name: 'Madrid HQ' })).length).toBe(1);
  });

  it('token bucket: 429 with Retry-After, and the client waits it out and succeeds', async () => {
    await configure({ rateLimitPerMin: 60 }); // one token, refilled once a second
    try {
      const first = await raw(box.sim.baseUrl, 'GET', '/people/me');
      const second = await raw(box.sim.baseUrl, 'GET', '/people/me');
      expect(first.status).toBe(200);
      expect(second.status).toBe(429);
      expect(Number(second.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      const t0 = Date.now();
      const me = await clientFor(box.sim.baseUrl, { retry: { retries: 3 } }).people.me();
      expect(me.id).toBeTruthy();
      expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
      expect((await stats(box.control)).requests.byStatus['429']).toBeGreaterThanOrEqual(2);
    } finally {
      await configure({ rateLimitPerMin: 0 });
    }
  });

  it('minRetryAfterSeconds: every 429 of the token bucket carries at least that Retry-After', async () => {
    await configure({ rateLimitPerMin: 60, minRetryAfterSeconds: 30 });
    try {
      expect((await raw(box.sim.baseUrl, 'GET', '/people/me')).status).toBe(200);
      const limited = await raw(box.sim.baseUrl, 'GET', '/people/me');
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('30');
    } finally {
      await configure({ rateLimitPerMin: 0, minRetryAfterSeconds: 0 });
    }
  });

  it('error-rate answers 5xx without touching state', async () => {
    await configure({ errorRate: 1 });
    try {
      const e = await err(clientFor(box.sim.baseUrl).locations.create(madrid));
      expect([500, 502, 503, 504]).toContain(e.status);
      expect(e.outcomeUnknown).toBe(true);
    } finally {
      await configure({ errorRate: 0 });
    }
    expect((await stats(box.control)).state.locations).toBe(0);
  });

  it('hang-rate never answers: the client times out', async () => {
    await configure({ hangRate: 1 });
    try {
      const e = await err(clientFor(box.sim.baseUrl, { timeout: { requestMs: 200 } }).people.me());
      expect(e.failure).toBe('timeout');
    } finally {
      await configure({ hangRate: 0 });
    }
  });

  it('reset-rate drops the connection before applying anything', async () => {
    await configure({ resetRate: 1 });
    try {
      const e = await err(clientFor(box.sim.baseUrl).locations.create(madrid));
      expect(e.failure).toBe('network');
    } finally {
      await configure({ resetRate: 0 });
    }
    expect((await stats(box.control)).state.locations).toBe(0);
  });

  it('malformed-rate and missing-field-rate corrupt 2xx bodies', async () => {
    const webex = clientFor(box.sim.baseUrl);
    await configure({ malformedRate: 1 });
    try {
      expect((await err(webex.people.me())).failure).toBe('invalid_body');
    } finally {
      await configure({ malformedRate: 0 });
    }
    await configure({ missingFieldRate: 1 });
    try {
      const e = await err(webex.people.me());
      expect(e.classification).toBe('invalid_response_schema');
      expect(e.message).toMatch(/lacks id/);
    } finally {
      await configure({ missingFieldRate: 0 });
    }
  });

  it('latency is applied to every request', async () => {
    await configure({ latencyMs: 120, jitterMs: 0 });
    try {
      const t0 = Date.now();
      await clientFor(box.sim.baseUrl).people.me();
      expect(Date.now() - t0).toBeGreaterThanOrEqual(115);
    } finally {
      await configure({ latencyMs: 0 });
    }
  });

  it('allow mode lets duplicates through so the referee can count them', async () => {
    await configure({ duplicateLocationNames: 'allow' });
    try {
      const webex = clientFor(box.sim.baseUrl);
      await webex.locations.create(madrid);
      await webex.locations.create(madrid);
    } finally {
      await configure({ duplicateLocationNames: 'reject' });
    }
    expect((await stats(box.control)).state.duplicateLocationNames).toBe(1);
  });

  it('rejects unknown config keys and bad values; counts unknown operations as invalid', async () => {
    const bad = await fetch(`${box.control}/config`, { method: 'POST', body: JSON.stringify({ errorRate: 2 }) });
    expect(bad.status).toBe(400);
    const unknown = await fetch(`${box.control}/config`, { method: 'POST', body: JSON.stringify({ bogus: 1 }) });
    expect(unknown.status).toBe(400);
    expect((await raw(box.sim.baseUrl, 'GET', '/devices')).status).toBe(404);
    expect((await stats(box.control)).requests.invalid).toBe(1);
  });

  it('same seed, same faults: a 30% error profile replays identically after reset', async () => {
    const run = async () => {
      box.sim.sim.reset();
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) statuses.push((await raw(box.sim.baseUrl, 'GET', '/people/me')).status);
      return statuses;
    };
    await configure({ errorRate: 0.3, seed: 42 });
    try {
      const a = await run();
      const b = await run();
      expect(a).toEqual(b);
      expect(a.some((s) => s >= 500)).toBe(true);
      expect(a.some((s) => s === 200)).toBe(true);
    } finally {
      await configure({ errorRate: 0 });
    }
  });
});

describe('late apply (504 now, the backend applies it later)', () => {
  /** Bounded poll of the control API until every scheduled late apply has run. */
  const settled = () =>
    vi.waitFor(
      async () => {
        const r = (await stats(box.control)).requests;
        expect(r.lateApplied + r.lateApplyDiscarded).toBe(r.lateApplyScheduled);
        return r;
      },
      { timeout: 5_000, interval: 20 },
    );

  it('POST /locations is answered 504 and the location exists lateApplyMs later', async () => {
    await configure({ lateApplyRate: 1, lateApplyMs: 300 });
    try {
      const r = await raw(box.sim.baseUrl, 'POST', '/locations', madrid);
      expect(r.status).toBe(504);
      expect((await stats(box.control)).state.locations).toBe(0);
      expect(await settled()).toMatchObject({ lateApplyScheduled: 1, lateApplied: 1, lateApplyDiscarded: 0 });
    } finally {
      await configure({ lateApplyRate: 0 });
    }
    const s = await stats(box.control);
    expect(s.state).toMatchObject({ locations: 1, duplicateLocationNames: 0 });
    expect(s.requests.byStatus['504']).toBe(1);
  });

  it('a late create that finds its name taken by a retry does nothing; with duplicate names allowed the referee counts the duplicate', async () => {
    await configure({ lateApplyRate: 1, lateApplyMs: 100 });
    expect((await raw(box.sim.baseUrl, 'POST', '/locations', madrid)).status).toBe(504);
    await configure({ lateApplyRate: 0 });
    expect((await raw(box.sim.baseUrl, 'POST', '/locations', madrid)).status).toBe(201);
    expect(await settled()).toMatchObject({ lateApplied: 0, lateApplyDiscarded: 1 });
    expect((await stats(box.control)).state).toMatchObject({ locations: 1, duplicateLocationNames: 0 });

    box.sim.sim.reset();
    await configure({ lateApplyRate: 1, duplicateLocationNames: 'allow' });
    try {
      expect((await raw(box.sim.baseUrl, 'POST', '/locations', madrid)).status).toBe(504);
      await configure({ lateApplyRate: 0 });
      expect((await raw(box.sim.baseUrl, 'POST', '/locations', madrid)).status).toBe(201);
      await settled();
    } finally {
      await configure({ lateApplyRate: 0, duplicateLocationNames: 'reject' });
    }
    expect((await stats(box.control)).state).toMatchObject({ locations: 2, duplicateLocationNames: 1 });
  });

  it('Calling enable and licence assignment apply late; a late licence already assigned by a retry is a no-op counted nowhere', async () => {
    const { id } = await clientFor(box.sim.baseUrl).locations.create(madrid);
    await configure({ lateApplyRate: 1, lateApplyMs: 50 });
    try {
      expect((await raw(box.sim.baseUrl, 'POST', '/telephony/config/locations', { id, ...madrid })).status).toBe(504);
      await settled();
      expect((await stats(box.control)).state.callingLocations).toBe(1);
      const ana = ((await raw(box.sim.baseUrl, 'GET', '/people?email=ana.garcia%40example.com')).json!.items as { id: string }[])[0]!.id;
      const assign = { personId: ana, licenses: [{ id: CALLING_PRO, properties: { locationId: id, extension: '1001' } }] };
      expect((await raw(box.sim.baseUrl, 'PATCH', '/licenses/users', assign)).status).toBe(504);
      await configure({ lateApplyRate: 0 });
      expect((await raw(box.sim.baseUrl, 'PATCH', '/licenses/users', assign)).status).toBe(200);
      expect(await settled()).toMatchObject({ lateApplyScheduled: 2 });
    } finally {
      await configure({ lateApplyRate: 0 });
    }
    expect((await stats(box.control)).state).toMatchObject({ callingUsers: 2, duplicateLicenseAssignments: 0, licenceOverUse: 0 });
  });
});

describe('control API', () => {
  it('stats by operation template and status, state dump, reset', async () => {
    const webex = clientFor(box.sim.baseUrl);
    const { id } = await webex.locations.create(madrid);
    await webex.locations.get(id);
    const s = await stats(box.control);
    expect(s.requests).toMatchObject({ total: 2, invalid: 0, byStatus: { '200': 1, '201': 1 } });
    expect(s.requests.byOperation).toEqual({ 'POST /locations': 1, 'GET /locations/{locationId}': 1 });
    const dump = (await (await fetch(`${box.control}/state`)).json()) as { locations: { name: string }[] };
    expect(dump.locations.map((l) => l.name)).toEqual(['Madrid HQ']);
    await fetch(`${box.control}/reset`, { method: 'POST' });
    expect((await stats(box.control)).state.locations).toBe(0);
  });
});

describe('service-app token refresh', () => {
  it('POST /v1/access_token trades a valid refresh token for the current admin token, and refuses others', async () => {
    // The harness seeds no OAuth client: every grant is refused.
    const refused = await fetch(`${box.sim.baseUrl}/access_token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'refresh_token', client_id: 'c', client_secret: 's', refresh_token: 'r' }),
    });
    expect(refused.status).toBe(400);
  });
});
