import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebexApiError } from '../src/index.js';
import { madrid, testClient } from './msw.js';
import { hangs, rejection, scriptedFetch } from './scripted-fetch.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

// Measured before the layers were split: a create answered 429 forever with a 300 ms call
// deadline settled after 6 POSTs, and 1.5 s later 34 had been sent, its entry still listed.
describe('zero requests after a given-up call settles', () => {
  it.each([
    ['answers 429 forever', () => new Response(null, { status: 429, headers: { 'Retry-After': '0' } })],
    ['never answers', hangs],
  ])('when the server %s', async (_, answer) => {
    const server = scriptedFetch(answer);
    const { client } = testClient({ fetch: server.fetch, timeout: { callMs: 300, requestMs: 10_000 }, retry: { retries: 1_000 } });
    const settled = rejection(client.locations.create(madrid));
    await vi.advanceTimersByTimeAsync(300);
    const err = await settled;
    expect(err).toBeInstanceOf(WebexApiError);
    expect(err).toMatchObject({ failure: 'timeout', outcomeUnknown: true });
    expect((err as Error).message).toMatch(/call deadline of 300 ms/);
    await vi.advanceTimersByTimeAsync(0); // lets the layers inside finish unwinding, no more
    expect(vi.getTimerCount()).toBe(0);
    const sent = server.seen.length;
    expect(sent).toBeGreaterThan(0);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(server.seen.length).toBe(sent);
    expect(client.callsInFlight()).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('when the caller aborts', async () => {
    const server = scriptedFetch(() => new Response(null, { status: 503 }));
    const { client } = testClient({ fetch: server.fetch, retry: { retries: 1_000, minDelayMs: 50, maxDelayMs: 50 } });
    const caller = new AbortController();
    const settled = rejection(client.raw.admin.GET('/people/me', { signal: caller.signal }));
    await vi.advanceTimersByTimeAsync(120);
    expect(client.callsInFlight()).toMatchObject([{ method: 'GET', path: '/v1/people/me', stage: 'back-off' }]);
    const reason = new Error('run stopped');
    caller.abort(reason);
    expect(await settled).toBe(reason);
    await vi.advanceTimersByTimeAsync(0);
    expect(vi.getTimerCount()).toBe(0);
    const sent = server.seen.length;
    await vi.advanceTimersByTimeAsync(2_000);
    expect(server.seen.length).toBe(sent);
    expect(client.callsInFlight()).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
