import { describe, expect, it } from 'vitest';
import { json, rejection, request, scriptedFetch } from '../scripted-fetch.js';
import { RateController } from '../../src/transport/rate-controller.js';
import { withThrottle, type ThrottleOptions } from '../../src/transport/throttle.js';
import type { ClientEvent } from '../../src/transport/types.js';

// The controller sleeps on node:timers/promises, which fake timers do not reach, so these tests use
// real time with pauses of a few tens of ms (the controller's own model tests use a virtual clock).

const limited = (retryAfter = '0') => new Response(null, { status: 429, headers: { 'Retry-After': retryAfter } });

function throttle(answer: Parameters<typeof scriptedFetch>[0], overrides: Partial<ThrottleOptions> = {}) {
  const inner = scriptedFetch(answer);
  const events: ClientEvent[] = [];
  const rate = new RateController();
  const fetch = withThrottle(inner.fetch, {
    rate,
    maxRetryAfterMs: 60_000,
    defaultRateLimitPauseMs: 80,
    waitBudgetMs: 60_000,
    onEvent: (e) => events.push(e),
    ...overrides,
  });
  return { fetch, inner, rate, events };
}

describe('withThrottle', () => {
  it('waits out a 429 for its Retry-After and sends again, the body intact', async () => {
    const { fetch, inner, rate, events } = throttle((_, n) => (n === 1 ? limited('1') : json({ id: 'L1' }, { status: 201 })));
    const before = Date.now();
    const response = await fetch(request('POST', '/locations', { name: 'Madrid' }));
    expect(response.status).toBe(201);
    expect(Date.now() - before).toBeGreaterThanOrEqual(990);
    expect(inner.seen).toHaveLength(2);
    expect(await inner.seen[1]!.request.json()).toEqual({ name: 'Madrid' });
    expect(events).toEqual([{ type: 'rate_limited', method: 'POST', path: '/v1/locations', retryAfterMs: 1_000, newStorm: true }]);
    expect(rate.pacePerSecond).toBeDefined();
  });

  it('answers the 429 itself once the wait budget would be exceeded', async () => {
    const { fetch, inner } = throttle(() => limited('1'), { waitBudgetMs: 500 });
    const response = await fetch(request('GET', '/people/me'));
    expect(response.status).toBe(429);
    expect(inner.seen).toHaveLength(1);
  });

  it('gives up at once when the Retry-After asked for is longer than the budget left, even beyond the cap', async () => {
    const { fetch, inner, rate } = throttle(() => limited('600'), { waitBudgetMs: 150_000, maxRetryAfterMs: 120_000 });
    const t0 = Date.now();
    expect((await fetch(request('GET', '/people/me'))).status).toBe(429);
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(inner.seen).toHaveLength(1);
    // Everyone else still pauses, for the client's cap.
    expect(rate.pausedUntil - t0).toBeGreaterThanOrEqual(119_000);
  });

  it('counts the budget per call: a retry of the same call does not start it again', async () => {
    const { fetch, inner } = throttle(() => limited('1'), { waitBudgetMs: 1_500 });
    const call = new AbortController();
    expect((await fetch(request('GET', '/people/me'), call.signal)).status).toBe(429); // waited 1 s once
    expect(inner.seen).toHaveLength(2);
    // The retry layer's next attempt: one request, and its 429 is the answer (the budget is spent).
    expect((await fetch(request('GET', '/people/me'), call.signal)).status).toBe(429);
    expect(inner.seen).toHaveLength(3);
  });

  it.each([503, 423])('pauses everyone on a %i only when it carries Retry-After, and hands it to the retry layer', async (code) => {
    const plain = throttle(() => new Response(null, { status: code }));
    expect((await plain.fetch(request('GET', '/people/me'))).status).toBe(code);
    expect(plain.rate.pausedUntil).toBe(0);
    const told = throttle(() => new Response(null, { status: code, headers: { 'Retry-After': '1' } }));
    expect((await told.fetch(request('GET', '/people/me'))).status).toBe(code);
    expect(told.inner.seen).toHaveLength(1);
    expect(told.rate.pausedUntil).toBeGreaterThan(Date.now());
    expect(told.rate.pacePerSecond).toBeUndefined();
  });

  it('holds a request until the shared pause is over', async () => {
    const { fetch, inner, rate } = throttle(() => json({}));
    rate.settle({ sentAt: Date.now() }, 429, 80, 80);
    const t0 = Date.now();
    await fetch(request('GET', '/people/me'));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(75);
    expect(inner.seen).toHaveLength(1);
  });

  it('sends nothing when its signal aborts during the pause, and reports the stage it was in', async () => {
    const stages: string[] = [];
    const { fetch, inner, rate } = throttle(() => json({}), { onStage: (_, stage) => stages.push(stage) });
    rate.settle({ sentAt: Date.now() }, 429, 10_000, 80);
    const call = new AbortController();
    const settled = rejection(fetch(request('GET', '/people/me'), call.signal));
    call.abort(new Error('given up'));
    expect(await settled).toBeInstanceOf(Error);
    expect(inner.seen).toHaveLength(0);
    expect(stages).toEqual(['rate-limit pause']);
  });

  it('sends nothing for a signal already aborted, even with nothing to wait for', async () => {
    const { fetch, inner } = throttle(() => json({}));
    const call = new AbortController();
    call.abort(new Error('given up'));
    await rejection(fetch(request('GET', '/people/me'), call.signal));
    expect(inner.seen).toHaveLength(0);
  });

  it('feeds the controller the latency of answered requests', async () => {
    const { fetch, rate } = throttle(() => json({}));
    expect(rate.typicalLatencyMs).toBeUndefined();
    await fetch(request('GET', '/people/me'));
    expect(rate.typicalLatencyMs).toBeGreaterThanOrEqual(0);
  });
});
