import { expect, it } from 'vitest';
import { createWebexClient } from '../src/index.js';
import { useLocalServer } from './local-server.js';
import { madrid, TOKEN } from './msw.js';

const server = useLocalServer((req, res) => {
  res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(req.method === 'POST' ? { id: 'L1' } : { id: 'P1', emails: ['ana@example.com'], displayName: 'Ana' }));
});

// Node 26's built-in fetch bundles undici 8, which refuses a dispatcher from the package's own
// undici: every call then failed with "network". This goes over real HTTP with no `fetch` option.
it(`makes real HTTP calls through the default transport on Node ${process.version}`, async () => {
  const client = createWebexClient({ auth: { token: TOKEN }, baseUrl: `${server.origin}/v1`, retry: { retries: 0 } });
  try {
    expect((await client.people.me()).id).toBe('P1');
    const created = await client.locations.create(madrid);
    expect(created).toEqual({ id: 'L1' });
    const [get, post] = server.received;
    expect(get).toMatchObject({ method: 'GET', url: '/v1/people/me', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(JSON.parse(post!.body)).toMatchObject({ name: 'Madrid' });
  } finally {
    await client.close();
  }
});
