import { inspect } from 'node:util';
import { delay, http, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { failure } from './failure.js';
import { BASE, madrid, TOKEN, testClient, useMsw } from './msw.js';
import { json } from './scripted-fetch.js';

/** The smallest valid location body, for tests about the transport rather than the location. */
const minimalLocation = {
  name: 'X',
  timeZone: 'UTC',
  preferredLanguage: 'en_us',
  announcementLanguage: 'en_us',
  address: { address1: 'a', city: 'c', state: 's', postalCode: 'p', country: 'US' },
};

const server = useMsw();

const person = { id: 'P1', emails: ['ana@example.com'], displayName: 'Ana' };

describe('requests', () => {
  it('returns typed data and sends bearer auth and a TrackingID', async () => {
    let seen: Headers | undefined;
    server.use(
      http.get(`${BASE}/people/me`, ({ request }) => {
        seen = request.headers;
        return HttpResponse.json(person, { headers: { trackingid: 'T-1' } });
      }),
    );
    const { client } = testClient();
    const me = await client.people.me();
    expect(me.id).toBe('P1');
    expect(seen?.get('authorization')).toBe(`Bearer ${TOKEN}`);
    expect(seen?.get('trackingid')).toMatch(/^WBP_[0-9a-f-]{36}$/);
  });

  it('returns the id of a 201 create', async () => {
    server.use(http.post(`${BASE}/locations`, () => HttpResponse.json({ id: 'L1' }, { status: 201 })));
    const { client } = testClient();
    const created = await client.locations.create(madrid);
    expect(created).toEqual({ id: 'L1' });
  });

  it('finds a person by exact e-mail and returns undefined for an unknown one', async () => {
    server.use(
      http.get(`${BASE}/people`, ({ request }) => {
        const url = new URL(request.url);
        expect(url.searchParams.get('callingData')).toBe('true');
        const items = url.searchParams.get('email') === 'ana@example.com' ? [person] : [];
        return HttpResponse.json({ items });
      }),
    );
    const { client } = testClient();
    expect((await client.people.findByEmail('ana@example.com'))?.id).toBe('P1');
    expect(await client.people.findByEmail('nobody@example.com')).toBeUndefined();
  });
});

describe('retries', () => {
  it('waits at least Retry-After seconds after a 429, then succeeds', async () => {
    const times: number[] = [];
    server.use(
      http.get(`${BASE}/people/me`, () => {
        times.push(Date.now());
        return times.length === 1 ? new HttpResponse(null, { status: 429, headers: { 'Retry-After': '1' } }) : HttpResponse.json(person);
      }),
    );
    const { client, events } = testClient();
    expect((await client.people.me()).id).toBe('P1');
    expect(times).toHaveLength(2);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(990);
    expect(events.some((e) => e.type === 'rate_limited' && e.retryAfterMs === 1000 && e.newStorm)).toBe(true);
    // A 429 is the org pacing us, not a failure: it is sent again without counting as a retry.
    expect(events.some((e) => e.type === 'retry')).toBe(false);
  });

  it('honours Retry-After given as an HTTP date', async () => {
    const times: number[] = [];
    server.use(
      http.get(`${BASE}/people/me`, () => {
        times.push(Date.now());
        if (times.length > 1) return HttpResponse.json(person);
        // HTTP dates have whole-second resolution: aim 2 s ahead so at least ~1 s remains.
        const at = new Date(Math.ceil((Date.now() + 2000) / 1000) * 1000).toUTCString();
        return new HttpResponse(null, { status: 429, headers: { 'Retry-After': at } });
      }),
    );
    const { client } = testClient();
    await client.people.me();
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(1000);
  });

  it('makes exactly retries+1 attempts on a persistent 5xx, then throws a retryable error', async () => {
    let calls = 0;
    server.use(
      http.get(`${BASE}/people/me`, () => {
        calls++;
        return HttpResponse.json(
          { message: 'down', errors: [{ description: 'down' }], trackingId: 'NA_1' },
          { status: 503, headers: { trackingid: 'NA_1' } },
        );
      }),
    );
    const { client } = testClient({ retry: { retries: 3 } });
    const err = await failure(client.people.me());
    expect(calls).toBe(4);
    expect(err.attempts).toBe(4);
    expect(err.status).toBe(503);
    expect(err.classification).toBe('retryable');
    expect(err.trackingId).toBe('NA_1');
    expect(err.outcomeUnknown).toBe(false);
  });

  it.each([
    [400, 'non_retryable'],
    [404, 'non_retryable'],
    [409, 'non_retryable'],
    [401, 'auth_invalid'],
    [403, 'permission_denied'],
  ] as const)('does not retry a %i and classifies it %s', async (status, classification) => {
    let calls = 0;
    server.use(
      http.get(`${BASE}/people/me`, () => {
        calls++;
        return HttpResponse.json(
          { message: 'Unable to find location', errors: [{ errorCode: 4003, description: 'x' }], trackingId: 'NA_9' },
          { status },
        );
      }),
    );
    const { client } = testClient();
    const err = await failure(client.people.me());
    expect(calls).toBe(1);
    expect(err.status).toBe(status);
    expect(err.classification).toBe(classification);
    expect(err.webexMessage).toBe('Unable to find location');
    expect(err.errorCodes).toEqual([4003]);
    expect(err.trackingId).toBe('NA_9');
  });

  it('times out a hanging server, retries, and gives up with a retryable timeout', async () => {
    let calls = 0;
    server.use(
      http.get(`${BASE}/people/me`, async () => {
        calls++;
        await delay('infinite');
        return HttpResponse.json(person);
      }),
    );
    const { client } = testClient({ timeout: { requestMs: 50 }, retry: { retries: 2 } });
    const err = await failure(client.people.me());
    expect(calls).toBe(3);
    expect(err.failure).toBe('timeout');
    expect(err.classification).toBe('retryable');
    expect(err.attempts).toBe(3);
  });
});

describe('non-idempotent calls', () => {
  it('never replays a POST that timed out: outcome unknown', async () => {
    let calls = 0;
    server.use(
      http.post(`${BASE}/locations`, async () => {
        calls++;
        await delay('infinite');
        return HttpResponse.json({ id: 'L1' }, { status: 201 });
      }),
    );
    const { client } = testClient({ timeout: { requestMs: 50 } });
    const err = await failure(client.locations.create(madrid));
    expect(calls).toBe(1);
    expect(err.outcomeUnknown).toBe(true);
    expect(err.failure).toBe('timeout');
    expect(err.message).toMatch(/outcome unknown/);
  });

  it.each([500, 502, 504])('never replays a POST answered %i', async (status) => {
    let calls = 0;
    server.use(
      http.post(`${BASE}/locations`, () => {
        calls++;
        return new HttpResponse(null, { status });
      }),
    );
    const { client } = testClient();
    const err = await failure(client.locations.create(madrid));
    expect(calls).toBe(1);
    expect(err.outcomeUnknown).toBe(true);
    expect(err.status).toBe(status);
  });

  it('never replays a PATCH licence assignment whose connection dropped', async () => {
    let calls = 0;
    server.use(
      http.patch(`${BASE}/licenses/users`, () => {
        calls++;
        return HttpResponse.error();
      }),
    );
    const { client } = testClient();
    const err = await failure(client.licenses.assign({ email: 'ana@example.com', licenses: [{ id: 'LIC' }] }));
    expect(calls).toBe(1);
    expect(err.outcomeUnknown).toBe(true);
    expect(err.failure).toBe('network');
  });

  it('does replay a POST refused with 429 (it was not applied)', async () => {
    let calls = 0;
    server.use(
      http.post(`${BASE}/locations`, () => {
        calls++;
        return calls === 1
          ? new HttpResponse(null, { status: 429, headers: { 'Retry-After': '0' } })
          : HttpResponse.json({ id: 'L1' }, { status: 201 });
      }),
    );
    const { client } = testClient();
    expect(await client.locations.create(madrid)).toEqual({ id: 'L1' });
    expect(calls).toBe(2);
  });

  it('retries the read-only validateExtensions POST like a GET', async () => {
    let calls = 0;
    server.use(
      http.post(`${BASE}/telephony/config/locations/L1/actions/validateExtensions/invoke`, () => {
        calls++;
        return calls === 1 ? new HttpResponse(null, { status: 502 }) : HttpResponse.json({ status: 'OK' });
      }),
    );
    const { client } = testClient();
    expect((await client.numbers.validateExtensions('L1', ['1001'])).status).toBe('OK');
    expect(calls).toBe(2);
  });

  it('reports the 206 of a partial licence assignment', async () => {
    server.use(http.patch(`${BASE}/licenses/users`, () => HttpResponse.json({ personId: 'P1', licenses: [] }, { status: 206 })));
    const { client } = testClient();
    const { partial } = await client.licenses.assign({ personId: 'P1', licenses: [{ id: 'LIC' }] });
    expect(partial).toBe(true);
  });
});

describe('pagination', () => {
  it('follows Link rel="next" over 3 pages with the cursor it carries', async () => {
    const cursors: (string | null)[] = [];
    server.use(
      http.get(`${BASE}/locations`, ({ request }) => {
        const url = new URL(request.url);
        const cursor = url.searchParams.get('cursor');
        cursors.push(cursor);
        const page = cursor === null ? 1 : Number(cursor);
        const headers: Record<string, string> = page < 3 ? { Link: `<${BASE}/locations?max=2&cursor=${page + 1}>; rel="next"` } : {};
        return HttpResponse.json(
          {
            items: [
              { id: `L${page}a`, name: `a${page}` },
              { id: `L${page}b`, name: `b${page}` },
            ],
          },
          { headers },
        );
      }),
    );
    const { client } = testClient();
    const all = await client.locations.list({ max: 2 });
    expect(all.map((l) => l.id)).toEqual(['L1a', 'L1b', 'L2a', 'L2b', 'L3a', 'L3b']);
    expect(cursors).toEqual([null, '2', '3']);
  });

  it('advances start/max until a short page', async () => {
    const starts: string[] = [];
    server.use(
      http.get(`${BASE}/telephony/config/numbers`, ({ request }) => {
        const url = new URL(request.url);
        starts.push(url.searchParams.get('start') ?? '');
        const start = Number(url.searchParams.get('start'));
        const n = start < 4 ? 2 : 1;
        return HttpResponse.json({
          phoneNumbers: Array.from({ length: n }, (_, i) => ({ phoneNumber: `+3491000${start + i}` })),
        });
      }),
    );
    const { client } = testClient();
    const numbers = await client.numbers.list({ locationId: 'L1' }, 2);
    expect(numbers).toHaveLength(5);
    expect(starts).toEqual(['0', '2', '4']);
  });

  it('stops at the page bound with a typed error instead of looping forever', async () => {
    server.use(
      http.get(`${BASE}/locations`, () =>
        HttpResponse.json({ items: [{ id: 'L', name: 'n' }] }, { headers: { Link: `<${BASE}/locations?cursor=x>; rel="next"` } }),
      ),
    );
    const { client } = testClient({ maxPages: 5 });
    const err = await failure(client.locations.list());
    expect(err.failure).toBe('page_bound');
  });
});

describe('response validation', () => {
  it('raises invalid_response_schema for a 200 missing required fields', async () => {
    server.use(http.post(`${BASE}/locations`, () => HttpResponse.json({ name: 'no id' }, { status: 201 })));
    const { client } = testClient();
    const err = await failure(client.locations.create(minimalLocation));
    expect(err.classification).toBe('invalid_response_schema');
    expect(err.message).toMatch(/lacks id/);
  });

  it('parses a 2xx JSON body once, validation and openapi-fetch together', async () => {
    const body = JSON.stringify(person);
    const parse = vi.spyOn(JSON, 'parse');
    try {
      const { client } = testClient({ fetch: async () => json(person) });
      expect((await client.people.me()).id).toBe('P1');
      expect(parse.mock.calls.filter(([text]) => text === body)).toHaveLength(1);
    } finally {
      parse.mockRestore();
    }
  });

  it('raises invalid_response_schema for a 200 whose JSON does not parse', async () => {
    server.use(http.get(`${BASE}/people/me`, () => new HttpResponse('{"id": "P1"', { headers: { 'Content-Type': 'application/json' } })));
    const { client } = testClient();
    const err = await failure(client.people.me());
    expect(err.classification).toBe('invalid_response_schema');
    expect(err.failure).toBe('invalid_body');
  });

  it('retries a GET answered 200 with an HTML page (a proxy) like a 5xx, and gets the real answer', async () => {
    let calls = 0;
    server.use(
      http.get(`${BASE}/people/me`, () =>
        ++calls < 3
          ? new HttpResponse('<html>Please sign in</html>', { headers: { 'Content-Type': 'text/html' } })
          : HttpResponse.json({ id: 'P1' }),
      ),
    );
    const { client } = testClient({ retry: { retries: 3 } });
    expect((await client.people.me()).id).toBe('P1');
    expect(calls).toBe(3);
  });

  it('a create answered 200 with an HTML page is not replayed: outcome unknown, for the caller to look up', async () => {
    let calls = 0;
    server.use(
      http.post(`${BASE}/locations`, () => {
        calls++;
        return new HttpResponse('<html>proxy</html>', { status: 201, headers: { 'Content-Type': 'text/html' } });
      }),
    );
    const { client } = testClient({ retry: { retries: 3 } });
    const err = await failure(client.locations.create(madrid));
    expect(err).toMatchObject({ failure: 'invalid_body', outcomeUnknown: true });
    expect(calls).toBe(1);
  });
});

describe('shared rate-limit pause', () => {
  it('pauses every concurrent caller of the client on one 429', async () => {
    const arrivals: { at: number; status: number }[] = [];
    let limited = false;
    server.use(
      http.get(`${BASE}/people/:id`, async () => {
        await delay(20);
        if (!limited) {
          limited = true;
          arrivals.push({ at: Date.now(), status: 429 });
          return new HttpResponse(null, { status: 429, headers: { 'Retry-After': '1' } });
        }
        arrivals.push({ at: Date.now(), status: 200 });
        return HttpResponse.json(person);
      }),
    );
    const { client } = testClient();
    const paused = new Promise((resolve) => client.rate.onPause(resolve));
    const first = client.people.get('P0');
    await paused; // the others start only once the 429 has landed
    const rest = Array.from({ length: 8 }, (_, i) => client.people.get(`P${i + 1}`));
    await Promise.all([first, ...rest]);
    const limitedAt = arrivals.find((a) => a.status === 429)!.at;
    const after = arrivals.filter((a) => a.status === 200);
    expect(after).toHaveLength(9);
    // Nobody got through during the pause (20 ms handler delay counted from before the gate opened).
    for (const a of after) expect(a.at - limitedAt).toBeGreaterThanOrEqual(990);
  });
});

describe('secrets', () => {
  it('never puts the token in an error, its JSON, or its inspection', async () => {
    server.use(
      http.get(`${BASE}/people/me`, () => HttpResponse.json({ message: 'bad token' }, { status: 401 })),
      http.post(`${BASE}/locations`, () => HttpResponse.error()),
    );
    const { client, events } = testClient({ retry: { retries: 1 } });
    const errors = [await failure(client.people.me()), await failure(client.locations.create(minimalLocation))];
    for (const err of errors) {
      const text = [err.message, err.stack ?? '', JSON.stringify(err), inspect(err, { depth: 10, showHidden: true })].join('\n');
      expect(text).not.toContain(TOKEN);
    }
    expect(JSON.stringify(events)).not.toContain(TOKEN);
  });

  it('asks a token function for the current token on every call', async () => {
    const seen: string[] = [];
    server.use(
      http.get(`${BASE}/people/me`, ({ request }) => {
        seen.push(request.headers.get('authorization') ?? '');
        return HttpResponse.json(person);
      }),
    );
    let n = 0;
    const { client } = testClient({ auth: { token: () => `tok-${++n}` } });
    await client.people.me();
    await client.people.me();
    expect(seen).toEqual(['Bearer tok-1', 'Bearer tok-2']);
  });
});

describe('token refresh', () => {
  it('on a 401 refreshes once and replays the call with the new token', async () => {
    let valid = 'old';
    const seen: string[] = [];
    server.use(
      http.post(`${BASE}/locations`, async ({ request }) => {
        const auth = request.headers.get('authorization') ?? '';
        seen.push(auth);
        if (auth !== `Bearer ${valid}`) return HttpResponse.json({ message: 'expired' }, { status: 401 });
        expect(await request.json()).toMatchObject({ name: 'X' });
        return HttpResponse.json({ id: 'L1' }, { status: 201 });
      }),
    );
    let token = 'old';
    let refreshes = 0;
    const { client } = testClient({
      auth: {
        token: () => token,
        refresh: async () => {
          refreshes++;
          token = 'new';
          return true;
        },
      },
    });
    valid = 'new';
    const body = {
      name: 'X',
      timeZone: 'UTC',
      preferredLanguage: 'en_us',
      announcementLanguage: 'en_us',
      address: { address1: 'a', city: 'c', state: 's', postalCode: 'p', country: 'US' },
    };
    expect(await client.locations.create(body)).toEqual({ id: 'L1' });
    expect(seen).toEqual(['Bearer old', 'Bearer new']);
    expect(refreshes).toBe(1);
  });

  it('gives up with auth_invalid when the refresh cannot help', async () => {
    server.use(http.get(`${BASE}/people/me`, () => HttpResponse.json({ message: 'expired' }, { status: 401 })));
    const { client } = testClient({ auth: { token: () => 't', refresh: async () => false } });
    const err = await failure(client.people.me());
    expect(err.classification).toBe('auth_invalid');
  });
});

describe('hedging', () => {
  it('answers a hung idempotent request from a second copy sent after the hedge delay, and cancels the hung one', async () => {
    let calls = 0;
    let markAborted!: () => void;
    const hungAborted = new Promise<void>((resolve) => (markAborted = resolve));
    server.use(
      http.get(`${BASE}/people/:id`, async ({ request }) => {
        calls++;
        if (calls === 2) {
          request.signal.addEventListener('abort', () => markAborted());
          await delay('infinite');
        }
        return HttpResponse.json(person);
      }),
    );
    const { client, events } = testClient({ hedge: { minDelayMs: 100 }, timeout: { requestMs: 10_000 } });
    await client.people.get('P1'); // learns the typical latency
    const t0 = Date.now();
    expect((await client.people.get('P2')).id).toBe('P1');
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(calls).toBe(3);
    expect(events.some((e) => e.type === 'hedge')).toBe(true);
    await hungAborted; // resolves only if the losing copy was cancelled
  });

  it('never hedges a create', async () => {
    let calls = 0;
    server.use(
      http.get(`${BASE}/people/me`, () => HttpResponse.json(person)),
      http.post(`${BASE}/locations`, async () => {
        calls++;
        await delay(300);
        return HttpResponse.json({ id: 'L1' }, { status: 201 });
      }),
    );
    const { client, events } = testClient({ hedge: { minDelayMs: 50 } });
    await client.people.me();
    await client.locations.create(minimalLocation);
    expect(calls).toBe(1);
    expect(events.some((e) => e.type === 'hedge')).toBe(false);
  });
});

describe('call deadline', () => {
  it('settles a call whose transport stalls and ignores its abort signal, as an unknown-outcome timeout', async () => {
    const { client } = testClient({ fetch: () => new Promise<Response>(() => undefined), timeout: { callMs: 200 } });
    const err = await failure(client.locations.create(minimalLocation));
    expect(err.failure).toBe('timeout');
    expect(err.outcomeUnknown).toBe(true);
    expect(err.message).toMatch(/call deadline of 200 ms/);
  });
});

describe('patience for calls that cannot be hedged', () => {
  it('gives up a hung create long before the request timeout, as an unknown outcome, and never replays it', async () => {
    let creates = 0;
    server.use(
      http.get(`${BASE}/people/me`, () => HttpResponse.json(person)),
      http.post(`${BASE}/locations`, async () => {
        creates++;
        await delay('infinite');
        return HttpResponse.json({ id: 'L1' }, { status: 201 });
      }),
    );
    const { client } = testClient({ timeout: { requestMs: 10_000 }, hedge: { minPatienceMs: 150 } });
    await client.people.me(); // learns the typical latency (a few ms)
    const t0 = Date.now();
    const err = await failure(client.locations.create(minimalLocation));
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(err.failure).toBe('timeout');
    expect(err.outcomeUnknown).toBe(true);
    expect(creates).toBe(1);
  });
});
