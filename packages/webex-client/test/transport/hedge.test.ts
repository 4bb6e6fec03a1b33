import { describe, expect, it } from 'vitest';
import { json, request, scriptedFetch } from '../scripted-fetch.js';
import { withHedging } from '../../src/transport/hedge.js';
import { RateController } from '../../src/transport/rate-controller.js';
import type { ClientEvent } from '../../src/transport/types.js';

const later = (ms: number, response: () => Response) => new Promise<Response>((resolve) => setTimeout(() => resolve(response()), ms));

function hedged(answer: Parameters<typeof scriptedFetch>[0]) {
  const inner = scriptedFetch(answer);
  const events: ClientEvent[] = [];
  const rate = new RateController();
  // The typical latency comes from the rate controller (the throttle layer feeds it).
  rate.latency(1);
  const fetch = withHedging(inner.fetch, {
    minDelayMs: 20,
    factor: 10,
    patienceFactor: 40,
    minPatienceMs: 5_000,
    rate,
    onEvent: (e) => events.push(e),
  });
  return { fetch, inner, events, rate };
}

describe('withHedging', () => {
  it('sends a second copy of a slow GET', async () => {
    const { fetch, inner, events } = hedged((req) => (req.url.endsWith('/slow') ? later(200, () => json({})) : json({})));
    await fetch(request('GET', '/people/slow'));
    expect(inner.seen).toHaveLength(2);
    expect(events.map((e) => e.type)).toEqual(['hedge']);
  });

  it('a second copy waits for its pace slot: none is sent when the first answers before the slot comes', async () => {
    const { fetch, inner, events, rate } = hedged((req) => (req.url.endsWith('/slow') ? later(200, () => json({})) : json({})));
    // A storm sets a pace of at most a few requests per second; the slot of this request is taken.
    rate.settle({ sentAt: Date.now() }, 429, 0, 0);
    await rate.acquire();
    await fetch(request('GET', '/people/slow'));
    expect(inner.seen).toHaveLength(1);
    expect(events).toEqual([]);
  });

  it('never hedges a full-replacement PUT /people/{id}, however slow', async () => {
    const { fetch, inner, events } = hedged((req) => (req.method === 'PUT' ? later(200, () => json({ id: 'P1' })) : json({})));
    await fetch(request('GET', '/people/me'));
    const response = await fetch(request('PUT', '/people/P1', { displayName: 'Ana' }));
    expect(response.status).toBe(200);
    expect(inner.seen.filter((s) => s.request.method === 'PUT')).toHaveLength(1);
    expect(events).toEqual([]);
  });
});
