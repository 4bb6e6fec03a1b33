import { describe, expect, it } from 'vitest';
import { json, request } from '../scripted-fetch.js';
import { CallContext } from '../../src/transport/call-context.js';
import { withRequestEvents } from '../../src/transport/request-events.js';
import type { ClientEvent } from '../../src/transport/types.js';

describe('withRequestEvents', () => {
  it('reports a request as it leaves and its answer, with the attempt it is', async () => {
    const events: ClientEvent[] = [];
    let sentBefore = 0;
    const fetch = withRequestEvents(
      async () => {
        sentBefore = events.length;
        return json({}, { status: 201 });
      },
      (e) => events.push(e),
    );
    const call = new CallContext();
    call.attempt = 2;
    await fetch(request('POST', '/locations', {}), undefined, call);
    expect(sentBefore).toBe(1);
    expect(events).toEqual([
      { type: 'request', method: 'POST', path: '/v1/locations', attempt: 2 },
      { type: 'response', method: 'POST', path: '/v1/locations', status: 201, attempt: 2, durationMs: expect.any(Number) },
    ]);
  });
});
