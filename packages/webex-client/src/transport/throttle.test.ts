import { describe, expect, it, vi } from 'vitest';
import { json, rejection, request, scriptedFetch } from '../../test/scripted-fetch.js';
import { RatePacer } from './pacer.js';
import { RateGate } from './rate-gate.js';
import { withThrottle, type ThrottleOptions } from './throttle.js';
import type { ClientEvent } from './types.js';

// RateGate and RatePacer keep their own clock (Date.now and node:timers/promises, which fake
// timers do not reach), so these tests use real time with pauses of a few tens of ms.

function throttle(answer: Parameters<typeof scriptedFetch>[0], overrides: Partial<ThrottleOptions> = {}) {
  const inner = scriptedFetch(answer);
  const events: ClientEvent[] = [];
  const gate = new RateGate();
  const fetch = withThrottle(inner.fetch, {
    gate,
    maxRetryAfterMs: 60_000,
    defaultRateLimitPauseMs: 80,
    onEvent: (e) => events.push(e),
    ...overrides,
  });
  return { fetch, inner, gate, events };
}

describe('withThrottle', () => {
  it('pauses every caller on a 429, for its Retry-After, and says so', async () => {
    const { fetch, gate, events } = throttle(() => new Response(null, { status: 429, headers: { 'Retry-After': '2' } }));
    const before = Date.now();
    await fetch(request('GET', '/people/me'));
    expect(gate.pausedUntil - before).toBeGreaterThanOrEqual(2_000);
    expect(events).toEqual([{ type: 'rate_limited', method: 'GET', path: '/v1/people/me', retryAfterMs: 2_000 }]);
  });

  it.each([503, 423])('pauses on a %i only when it carries Retry-After', async (code) => {
    const plain = throttle(() => new Response(null, { status: code }));
    await plain.fetch(request('GET', '/people/me'));
    expect(plain.gate.pausedUntil).toBe(0);
    const told = throttle(() => new Response(null, { status: code, headers: { 'Retry-After': '1' } }));
    await told.fetch(request('GET', '/people/me'));
    expect(told.gate.pausedUntil).toBeGreaterThan(Date.now());
  });

  it('holds a request until the shared pause is over', async () => {
    const { fetch, inner, gate } = throttle(() => json({}));
    gate.pause(80);
    const t0 = Date.now();
    await fetch(request('GET', '/people/me'));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(75);
    expect(inner.seen).toHaveLength(1);
  });

  it('sends nothing when its signal aborts during the pause, and reports the stages it went through', async () => {
    const stages: string[] = [];
    const { fetch, inner, gate } = throttle(() => json({}), { onStage: (_, stage) => stages.push(stage) });
    gate.pause(10_000);
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

  it('feeds the pacer every answer', async () => {
    const pacer = new RatePacer();
    const accepted = vi.spyOn(pacer, 'accepted');
    const limited = vi.spyOn(pacer, 'rateLimited');
    const { fetch } = throttle((_, n) => (n === 1 ? json({}) : new Response(null, { status: 429, headers: { 'Retry-After': '0' } })), { pacer });
    await fetch(request('GET', '/people/me'));
    await fetch(request('GET', '/people/me'));
    expect(accepted).toHaveBeenCalledTimes(1);
    expect(limited).toHaveBeenCalledTimes(1);
  });
});
