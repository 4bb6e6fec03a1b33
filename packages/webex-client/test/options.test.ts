import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPTION_PATHS } from '../src/client-options.js';
import { CLIENT_DEFAULTS, createWebexClient, type ClientEvent, type WebexClientOptions } from '../src/index.js';
import { failure } from './failure.js';
import { hangs, json, scriptedFetch } from './scripted-fetch.js';

const me = { id: 'P1', emails: ['ana@example.com'], displayName: 'Ana' };
const answers = () => scriptedFetch(() => json(me));

/** The options with `value` at `path` (`retry.retries`), over a token and a scripted fetch. */
function withOption(path: string, value: unknown): WebexClientOptions {
  // A token function, so that auth.refresh has something to refresh.
  const options: Record<string, unknown> = { auth: { token: () => 'tok-0123456789' }, fetch: answers().fetch };
  const [group, key] = path.split('.') as [string, string | undefined];
  if (key === undefined) options[group] = value;
  else options[group] = { ...(options[group] as object | undefined), [key]: value };
  return options as unknown as WebexClientOptions;
}

interface Case {
  good: unknown;
  bad: unknown;
  /** The whole message the bad value gets. */
  says: string;
}

const ms = (path: string, min: number, bad: unknown): Case => ({
  good: min + 1,
  bad,
  says: `${path} must be a whole number of milliseconds from ${min} to 2147483647, got ${typeof bad === 'string' ? JSON.stringify(bad) : String(bad)}`,
});

/** Another client's controller, as `throttle.rate` takes it. */
const sharedRate = createWebexClient({ auth: { token: 'tok' }, fetch: answers().fetch }).rate;

/** One good and one bad value per option, and what the bad one is told. */
const CASES: Record<string, Case> = {
  'auth.token': { good: () => 'tok', bad: 5, says: 'auth.token must be a non-empty string or a function returning one, got a number' },
  'auth.refresh': { good: async () => true, bad: 'soon', says: 'auth.refresh must be a function, got "soon"' },
  baseUrl: {
    good: 'http://127.0.0.1:9/v1',
    bad: 'webexapis.com/v1',
    says: 'baseUrl must be an absolute http(s) URL, got "webexapis.com/v1"',
  },
  maxPages: { good: 1, bad: 0, says: 'maxPages must be a whole number ≥ 1, got 0' },
  trackingIdPrefix: {
    good: 'ACME',
    bad: 'AC ME',
    says: 'trackingIdPrefix must be visible ASCII without spaces (it starts a header), got "AC ME"',
  },
  fetch: { good: answers().fetch, bad: 'undici', says: 'fetch must be a function, got "undici"' },
  onEvent: { good: () => undefined, bad: [], says: 'onEvent must be a function, got an array' },
  'timeout.requestMs': ms('timeout.requestMs', 1, 0),
  'timeout.connectMs': ms('timeout.connectMs', 1, 1.5),
  'timeout.callMs': ms('timeout.callMs', 1, 2 ** 31),
  'retry.retries': { good: 0, bad: -1, says: 'retry.retries must be a whole number ≥ 0, got -1' },
  'retry.minDelayMs': ms('retry.minDelayMs', 0, -1),
  'retry.maxDelayMs': { ...ms('retry.maxDelayMs', 0, Number.NaN), good: 1_000 },
  'throttle.rate': { good: sharedRate, bad: {}, says: "throttle.rate must be another client's rate (its RateController), got an object" },
  'throttle.maxRetryAfterMs': ms('throttle.maxRetryAfterMs', 1, 0),
  'throttle.defaultPauseMs': ms('throttle.defaultPauseMs', 1, '1s'),
  'throttle.waitBudgetMs': ms('throttle.waitBudgetMs', 0, -1),
  'throttle.startConcurrency': { good: 1, bad: 0, says: 'throttle.startConcurrency must be a whole number ≥ 1, got 0' },
  'throttle.maxConcurrency': { good: 64, bad: 2.5, says: 'throttle.maxConcurrency must be a whole number ≥ 1, got 2.5' },
  'throttle.growEveryMs': ms('throttle.growEveryMs', 1, 0),
  'throttle.backoff': { good: 0.5, bad: 1, says: 'throttle.backoff must be a number above 0 and below 1, got 1' },
  'throttle.correction': { good: 0.5, bad: 0, says: 'throttle.correction must be a number above 0 and below 1, got 0' },
  'throttle.sustainedShare': { good: 0.5, bad: 1.5, says: 'throttle.sustainedShare must be a number above 0 and below 1, got 1.5' },
  'throttle.minWindowMs': ms('throttle.minWindowMs', 1, 0),
  'throttle.maxWindowMs': { ...ms('throttle.maxWindowMs', 1, null), good: 20_000 },
  'throttle.probeStep': { good: 1.5, bad: 1, says: 'throttle.probeStep must be a number above 1, got 1' },
  'throttle.probeEveryMs': ms('throttle.probeEveryMs', 1, 0),
  'throttle.probeRetryAfterFactor': { good: 2, bad: 0, says: 'throttle.probeRetryAfterFactor must be a number above 0, got 0' },
  'throttle.probeEveryAccepted': { good: 5, bad: 0.5, says: 'throttle.probeEveryAccepted must be a whole number ≥ 1, got 0.5' },
  'throttle.minRate': { good: 1, bad: Number.POSITIVE_INFINITY, says: 'throttle.minRate must be a number above 0, got Infinity' },
  'hedge.enabled': { good: false, bad: 'no', says: 'hedge.enabled must be true or false, got "no"' },
  'hedge.minDelayMs': ms('hedge.minDelayMs', 0, -5),
  'hedge.factor': { good: 1, bad: 0.5, says: 'hedge.factor must be a number ≥ 1, got 0.5' },
  'hedge.patienceFactor': { good: 2, bad: 0, says: 'hedge.patienceFactor must be a number ≥ 1, got 0' },
  'hedge.minPatienceMs': ms('hedge.minPatienceMs', 1, 0),
};

describe('createWebexClient options: validated at construction', () => {
  it('has a case for every option', () => {
    expect(Object.keys(CASES).sort()).toEqual([...OPTION_PATHS].sort());
  });

  describe.each(Object.entries(CASES))('%s', (path, { good, bad, says }) => {
    it('takes a good value', async () => {
      await createWebexClient(withOption(path, good)).close();
    });
    it('refuses a bad one with a TypeError naming the option and what it got', () => {
      expect(() => createWebexClient(withOption(path, bad))).toThrow(new TypeError(says));
      expect(() => createWebexClient(withOption(path, bad))).toThrow(TypeError);
    });
  });

  it('never shows the token, not even a bad one', () => {
    for (const token of ['', 'two words-0123456789', 'tök-0123456789']) {
      let message = '';
      try {
        createWebexClient({ auth: { token } });
      } catch (err) {
        message = (err as TypeError).message;
      }
      expect(message).toMatch(/^auth\.token must be/);
      if (token) expect(message).not.toContain(token);
    }
  });

  it('refuses what has no meaning together, naming both options', () => {
    expect(() => createWebexClient({ auth: { token: 'tok', refresh: async () => true } })).toThrow(
      new TypeError('auth.refresh needs auth.token to be a function returning the latest token, got a string'),
    );
    expect(() => createWebexClient({ auth: { token: 'tok' }, retry: { minDelayMs: 100, maxDelayMs: 50 } })).toThrow(
      new TypeError('retry.maxDelayMs must be at least retry.minDelayMs (100), got 50'),
    );
    expect(() => createWebexClient({ auth: { token: 'tok' }, throttle: { rate: sharedRate, startConcurrency: 4 } })).toThrow(
      new TypeError('throttle.startConcurrency cannot go with throttle.rate: a shared controller keeps the options it was made with'),
    );
    expect(() => createWebexClient({ auth: { token: 'tok' }, throttle: { startConcurrency: 40 } })).toThrow(
      new TypeError('throttle.startConcurrency must be at most throttle.maxConcurrency (32), got 40'),
    );
  });

  it('refuses an unknown option, and the old flat names, listing what the group takes', () => {
    const flat = { auth: { token: 'tok' }, retries: 3 } as unknown as WebexClientOptions;
    expect(() => createWebexClient(flat)).toThrow(
      new TypeError(
        'unknown option retries (createWebexClient takes auth, baseUrl, timeout, retry, throttle, hedge, maxPages, trackingIdPrefix, fetch, onEvent)',
      ),
    );
    const misspelt = { auth: { token: 'tok' }, retry: { retry: 3 } } as unknown as WebexClientOptions;
    expect(() => createWebexClient(misspelt)).toThrow(
      new TypeError('unknown option retry.retry (retry takes retries, minDelayMs, maxDelayMs)'),
    );
    expect(() => createWebexClient(undefined as unknown as WebexClientOptions)).toThrow(
      new TypeError('the options must be an object, got undefined'),
    );
    expect(() => createWebexClient({} as WebexClientOptions)).toThrow(new TypeError('auth must be an object, got undefined'));
  });

  it('keeps its defaults frozen', () => {
    expect(Object.isFrozen(CLIENT_DEFAULTS.retry)).toBe(true);
    expect(() => {
      (CLIENT_DEFAULTS.retry as { retries: number }).retries = 0;
    }).toThrow(TypeError);
  });
});

describe('grouped options reach the transport layers', () => {
  it('auth, baseUrl and trackingIdPrefix: the request the inner fetch gets', async () => {
    const inner = answers();
    const client = createWebexClient({
      auth: { token: 'tok-1' },
      baseUrl: 'http://127.0.0.1:9/v9',
      trackingIdPrefix: 'ACME',
      fetch: inner.fetch,
    });
    await client.people.me();
    const { request } = inner.seen[0]!;
    expect(request.url).toBe('http://127.0.0.1:9/v9/people/me');
    expect(request.headers.get('authorization')).toBe('Bearer tok-1');
    expect(request.headers.get('trackingid')).toMatch(/^ACME_[0-9a-f-]{36}$/);
  });

  it('auth.refresh: a 401 is refreshed once and replayed with the new token', async () => {
    let token = 'old';
    const inner = scriptedFetch((request) =>
      request.headers.get('authorization') === 'Bearer new' ? json(me) : json({ message: 'expired' }, { status: 401 }),
    );
    const refresh = async () => {
      token = 'new';
      return true;
    };
    const client = createWebexClient({ auth: { token: () => token, refresh }, fetch: inner.fetch });
    expect((await client.people.me()).id).toBe('P1');
    expect(inner.seen.map((s) => s.request.headers.get('authorization'))).toEqual(['Bearer old', 'Bearer new']);
  });

  it('retry.retries, minDelayMs and maxDelayMs: attempts and the back-off between them', async () => {
    const sentAt: number[] = [];
    const inner = scriptedFetch(() => {
      sentAt.push(performance.now());
      return json({ message: 'down' }, { status: 503 });
    });
    const client = createWebexClient({ auth: { token: 'tok' }, fetch: inner.fetch, retry: { retries: 2, minDelayMs: 60, maxDelayMs: 60 } });
    const err = await failure(client.people.me());
    expect([err.status, err.attempts, inner.seen.length]).toEqual([503, 3, 3]);
    for (let i = 1; i < sentAt.length; i++) expect(sentAt[i]! - sentAt[i - 1]!).toBeGreaterThanOrEqual(55);
  });

  it('timeout.requestMs: an attempt that hangs is given up after it, and its signal aborted', async () => {
    const inner = scriptedFetch(hangs);
    const client = createWebexClient({ auth: { token: 'tok' }, fetch: inner.fetch, retry: { retries: 0 }, timeout: { requestMs: 80 } });
    const started = performance.now();
    const err = await failure(client.people.me());
    expect(err.failure).toBe('timeout');
    expect(performance.now() - started).toBeGreaterThanOrEqual(75);
    expect(inner.seen[0]!.signal?.aborted).toBe(true);
  });

  it('timeout.callMs: the whole call stops at its ceiling, retries and all', async () => {
    const inner = scriptedFetch(hangs);
    const client = createWebexClient({
      auth: { token: 'tok' },
      fetch: inner.fetch,
      retry: { retries: 5 },
      timeout: { requestMs: 60_000, callMs: 120 },
    });
    const err = await failure(client.people.me());
    expect(err.failure).toBe('timeout');
    expect(err.message).toContain('call deadline of 120 ms');
  });

  it('throttle.defaultPauseMs and waitBudgetMs: a 429 without Retry-After is waited out, or is the answer when there is no budget', async () => {
    const sentAt: number[] = [];
    const script = () =>
      scriptedFetch((_, call) => {
        sentAt.push(performance.now());
        return call === 1 ? json({}, { status: 429 }) : json(me);
      });
    const paused = createWebexClient({ auth: { token: 'tok' }, fetch: script().fetch, throttle: { defaultPauseMs: 150 } });
    expect((await paused.people.me()).id).toBe('P1');
    expect(sentAt[1]! - sentAt[0]!).toBeGreaterThanOrEqual(145);
    const impatient = createWebexClient({ auth: { token: 'tok' }, fetch: script().fetch, throttle: { waitBudgetMs: 0 } });
    expect((await failure(impatient.people.me())).status).toBe(429);
  });

  it('throttle: the rate-model options reach the controller, and throttle.rate shares one', () => {
    const first = createWebexClient({
      auth: { token: 'tok' },
      fetch: answers().fetch,
      throttle: { startConcurrency: 3, maxConcurrency: 9 },
    });
    expect(first.rate.concurrency()).toBe(3);
    const second = createWebexClient({ auth: { token: 'tok' }, fetch: answers().fetch, throttle: { rate: first.rate } });
    expect(second.rate).toBe(first.rate);
  });

  it('hedge.enabled and minDelayMs: a slow read gets a second copy after the delay, or none when disabled', async () => {
    const slowRead = async (enabled: boolean) => {
      const events: ClientEvent[] = [];
      const inner = scriptedFetch(async (_, call) => {
        if (call === 4) await new Promise((resolve) => setTimeout(resolve, 800));
        return json(me);
      });
      const client = createWebexClient({
        auth: { token: 'tok' },
        fetch: inner.fetch,
        // factor 1: the delay is minDelayMs unless the machine makes even the quick reads slower than that
        hedge: { enabled, minDelayMs: 200, factor: 1 },
        onEvent: (e) => events.push(e),
      });
      for (let i = 0; i < 4; i++) await client.people.me(); // three to learn the typical latency, then the slow one
      return { requests: inner.seen.length, hedges: events.filter((e) => e.type === 'hedge') };
    };
    const on = await slowRead(true);
    expect(on.requests).toBe(5);
    expect(on.hedges).toEqual([{ type: 'hedge', method: 'GET', path: '/v1/people/me', afterMs: 200 }]);
    expect(await slowRead(false)).toEqual({ requests: 4, hedges: [] });
  });
});

describe('README, Options', () => {
  const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Options'), readme.indexOf('## Public API'));
  const headings = [...section.matchAll(/^#### `([\w.]+)`$/gm)].map((m) => m[1]!);

  it('has one heading per option, no more', () => {
    expect([...headings].sort()).toEqual([...OPTION_PATHS].sort());
  });

  it.each([...OPTION_PATHS])('gives %s its type, and the default CLIENT_DEFAULTS has', (path) => {
    const body = section.slice(section.indexOf(`#### \`${path}\``)).split('\n#### ')[0]!;
    expect(body).toMatch(/^Type: `[^`]+`\\$/m);
    const stated = /^Default: (.+)$/m.exec(body)?.[1];
    const inCode = path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], CLIENT_DEFAULTS);
    if (inCode === undefined) expect(stated, `${path} has no default in the code`).toMatch(/^(none|required|derived)\b/);
    else expect(stated).toBe(`\`${JSON.stringify(inCode)}\``);
  });
});
