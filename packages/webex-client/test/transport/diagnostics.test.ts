import { describe, expect, it } from 'vitest';
import { json, rejection, request } from '../scripted-fetch.js';
import { CallContext } from '../../src/transport/call-context.js';
import { CallRegistry } from '../../src/transport/diagnostics.js';

describe('CallRegistry', () => {
  it('lists a call with its stage and attempt while it is in progress', async () => {
    let now = 1_000;
    const calls = new CallRegistry(() => now);
    let answer!: (r: Response) => void;
    const pending = calls.track((_, signal, call) => {
      call!.attempt = 2;
      calls.stage(signal!, 'back-off');
      return new Promise<Response>((resolve) => (answer = resolve));
    })(request('GET', '/people/me'), new AbortController().signal, new CallContext());
    now = 4_000;
    expect(calls.list()).toEqual([{ method: 'GET', path: '/v1/people/me', stage: 'back-off', attempt: 2, since: 1_000, seconds: 3 }]);
    answer(json({}));
    await pending;
    expect(calls.list()).toEqual([]);
  });

  it('drops a call that fails', async () => {
    const calls = new CallRegistry();
    await rejection(calls.track(() => Promise.reject(new Error('boom')))(request('POST', '/locations', {})));
    expect(calls.list()).toEqual([]);
  });

  it('ignores stage reports for calls it does not know', () => {
    const calls = new CallRegistry();
    calls.stage(new AbortController().signal, 'pacing');
    expect(calls.list()).toEqual([]);
  });
});
