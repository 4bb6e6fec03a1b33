import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { hangs, json, rejection, request, scriptedFetch } from '../scripted-fetch.js';
import { TransportFailure } from '../../src/transport/failure.js';
import { withDeadline } from '../../src/transport/deadline.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('withDeadline', () => {
  it('settles a call whose inside ignores its signal, aborts that signal, and leaves no timer', async () => {
    const inner = scriptedFetch(hangs);
    const settled = rejection(withDeadline(inner.fetch, 300)(request('POST', '/locations', { name: 'X' })));
    await vi.advanceTimersByTimeAsync(300);
    const err = await settled;
    // The error middleware turns this into the caller's WebexApiError, with the call's attempt count.
    expect(err).toBeInstanceOf(TransportFailure);
    expect(err).toMatchObject({ failure: 'timeout', outcomeUnknown: true });
    expect((err as Error).message).toMatch(/call deadline of 300 ms/);
    expect(inner.seen[0]!.signal!.aborted).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('reports an idempotent call given up as a plain timeout', async () => {
    const settled = rejection(withDeadline(hangs, 300)(request('GET', '/people/me')));
    await vi.advanceTimersByTimeAsync(300);
    expect(await settled).toMatchObject({ failure: 'timeout', outcomeUnknown: false });
  });

  it('stops the inside with the caller’s abort and rejects with its reason', async () => {
    const caller = new AbortController();
    const inner = scriptedFetch(hangs);
    const settled = rejection(withDeadline(inner.fetch, 300)(request('GET', '/people/me'), caller.signal));
    const reason = new Error('run stopped');
    caller.abort(reason);
    expect(await settled).toBe(reason);
    expect(inner.seen[0]!.signal!.aborted).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('clears its timer when the call answers in time', async () => {
    const response = await withDeadline(async () => json({ id: 'P1' }), 300)(request('GET', '/people/me'));
    expect(response.status).toBe(200);
    expect(vi.getTimerCount()).toBe(0);
  });
});
