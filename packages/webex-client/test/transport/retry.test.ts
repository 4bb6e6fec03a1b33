import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { json, rejection, request, scriptedFetch } from '../scripted-fetch.js';
import type { ClientEvent } from '../../src/transport/types.js';
import { CallContext } from '../../src/transport/call-context.js';
import { TransportFailure } from '../../src/transport/failure.js';
import { withRetry, type RetryOptions } from '../../src/transport/retry.js';
import { RequestTimeoutError } from '../../src/transport/timeout.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const options: RetryOptions = { retries: 3, minDelayMs: 100, maxDelayMs: 1_000 };
const status = (code: number, headers: Record<string, string> = {}) => new Response(null, { status: code, headers });
const networkError = (code: string) => new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) });

/** Runs a call to completion, letting every back-off elapse. */
async function settle<T>(promise: Promise<T>): Promise<T> {
  await vi.runAllTimersAsync();
  return promise;
}

describe('withRetry', () => {
  it('retries a 5xx with back-off and counts the attempts on the call', async () => {
    const inner = scriptedFetch((_, n) => (n < 3 ? status(503) : json({ id: 'P1' })));
    const events: ClientEvent[] = [];
    const call = new CallContext();
    const response = await settle(
      withRetry(inner.fetch, { ...options, onEvent: (e) => events.push(e) })(request('GET', '/people/me'), undefined, call),
    );
    expect(response.status).toBe(200);
    expect(inner.seen).toHaveLength(3);
    expect(call.attempt).toBe(3);
    expect(inner.seen.map((s) => s.attempt)).toEqual([1, 2, 3]);
    expect(events.filter((e) => e.type === 'retry').map((e) => e.type === 'retry' && e.status)).toEqual([503, 503]);
  });

  it('makes retries + 1 attempts, then fails with the last answer (status, trackingId, body)', async () => {
    const inner = scriptedFetch(() => json({ message: 'down', trackingId: 'NA_1' }, { status: 503 }));
    const call = new CallContext();
    const err = await settle(rejection(withRetry(inner.fetch, options)(request('GET', '/people/me'), undefined, call)));
    expect(inner.seen).toHaveLength(4);
    expect(call.attempt).toBe(4);
    expect(err).toBeInstanceOf(TransportFailure);
    expect(err).toMatchObject({ failure: 'http_status', status: 503, trackingId: 'NA_1', outcomeUnknown: false });
    expect((err as TransportFailure).body).toContain('down');
  });

  it.each([400, 401, 403, 404, 409])('does not retry a %i', async (code) => {
    const inner = scriptedFetch(() => status(code));
    const response = await settle(withRetry(inner.fetch, options)(request('GET', '/people/me')));
    expect(response.status).toBe(code);
    expect(inner.seen).toHaveLength(1);
  });

  it.each([
    ['a 500', () => status(500), { status: 500 }],
    ['a timeout', () => Promise.reject(new RequestTimeoutError(50)), { failure: 'timeout' }],
    ['a dropped connection', () => Promise.reject(networkError('ECONNRESET')), { failure: 'network' }],
  ] as const)('never replays a create after %s: outcome unknown', async (_, answer, fields) => {
    const inner = scriptedFetch(answer);
    const err = await settle(rejection(withRetry(inner.fetch, options)(request('POST', '/locations', { name: 'X' }))));
    expect(inner.seen).toHaveLength(1);
    expect(err).toMatchObject({ ...fields, outcomeUnknown: true });
  });

  it.each([
    ['503', status(503)],
    ['423 with Retry-After', status(423, { 'Retry-After': '0' })],
  ])('replays a create refused with %s, which was not applied', async (_, refusal) => {
    const inner = scriptedFetch((_, n) => (n === 1 ? refusal : json({ id: 'L1' }, { status: 201 })));
    const response = await settle(withRetry(inner.fetch, options)(request('POST', '/locations', { name: 'X' })));
    expect(response.status).toBe(201);
    expect(await inner.seen[1]!.request.json()).toEqual({ name: 'X' });
  });

  it('does not send again a 429 the throttle layer gave up on (its wait budget is spent), and counts no retry', async () => {
    const inner = scriptedFetch(() => status(429));
    const err = await settle(rejection(withRetry(inner.fetch, options)(request('GET', '/people/me'))));
    expect(inner.seen).toHaveLength(1);
    expect(err).toMatchObject({ failure: 'http_status', status: 429 });
  });

  it('replays a create whose connection was refused (it never reached the server)', async () => {
    const inner = scriptedFetch((_, n) => (n === 1 ? Promise.reject(networkError('ECONNREFUSED')) : json({ id: 'L1' })));
    expect((await settle(withRetry(inner.fetch, options)(request('POST', '/locations', {})))).status).toBe(200);
    expect(inner.seen).toHaveLength(2);
  });

  it('stops backing off the moment its signal aborts: no further request, no timer', async () => {
    const call = new AbortController();
    const inner = scriptedFetch(() => status(503));
    const settled = rejection(withRetry(inner.fetch, { ...options, retries: 100 })(request('GET', '/people/me'), call.signal));
    await vi.advanceTimersByTimeAsync(0);
    expect(inner.seen).toHaveLength(1); // now in back-off
    call.abort(new Error('given up'));
    expect(await settled).toMatchObject({ message: 'given up' });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(inner.seen).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('does not retry a request its signal aborted', async () => {
    const call = new AbortController();
    const inner = scriptedFetch(
      (_, __, signal) => new Promise<Response>((_, reject) => signal!.addEventListener('abort', () => reject(signal!.reason))),
    );
    const settled = rejection(withRetry(inner.fetch, options)(request('GET', '/people/me'), call.signal));
    await vi.advanceTimersByTimeAsync(0);
    call.abort(new Error('given up'));
    await vi.runAllTimersAsync();
    expect(await settled).toMatchObject({ message: 'given up' });
    expect(inner.seen).toHaveLength(1);
  });

  it('reports the back-off stage', async () => {
    const stages: string[] = [];
    const inner = scriptedFetch((_, n) => (n === 1 ? status(502) : json({})));
    await settle(withRetry(inner.fetch, { ...options, onStage: (_, stage) => stages.push(stage) })(request('GET', '/people/me')));
    expect(stages).toEqual(['back-off']);
  });
});
