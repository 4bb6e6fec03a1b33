import { afterEach, describe, expect, it, vi } from 'vitest';
import { rejection } from '../scripted-fetch.js';
import { useLocalServer } from '../local-server.js';
import { nodeFetch } from '../../src/transport/node-fetch.js';

const server = useLocalServer((req, res) => {
  res.writeHead(201, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ echo: req.body }));
});

afterEach(() => vi.unstubAllGlobals());

describe('nodeFetch', () => {
  it('sends a request, body and headers through its own pool', async () => {
    const pool = nodeFetch(1_000);
    const request = new Request(`${server.origin}/v1/locations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', trackingid: 'T1' },
      body: '{"name":"X"}',
    });
    const response = await pool.fetch(request, new AbortController().signal);
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ echo: '{"name":"X"}' });
    expect(server.received.at(-1)).toMatchObject({ method: 'POST', url: '/v1/locations', headers: { trackingid: 'T1' } });
    await pool.close();
    // Proof the pool carried the request: once destroyed, nothing goes out.
    const err = await rejection(pool.fetch(new Request(`${server.origin}/v1/people/me`)));
    expect((err as { cause?: { code?: string } }).cause?.code).toBe('UND_ERR_DESTROYED');
  });

  it('does not go through globalThis.fetch, whatever replaced it', async () => {
    const replaced = vi.fn(async () => new Response('{}', { status: 500 }));
    vi.stubGlobal('fetch', replaced);
    const pool = nodeFetch(1_000);
    const response = await pool.fetch(new Request(`${server.origin}/v1/people/me`), new AbortController().signal);
    expect(response.status).toBe(201);
    expect(replaced).not.toHaveBeenCalled();
    await pool.close();
  });
});
