import { setupServer } from 'msw/node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createWebexClient } from '@wbp/webex-client';
import { globalFetch } from '../../../test-support/global-fetch.js';
import { createSimulator } from '../src/index.js';

const sim = createSimulator({ token: 't', people: [{ email: 'ana.garcia@example.com', displayName: 'Ana García' }] });
const server = setupServer(...sim.handlers);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

it('the same handlers serve an in-process client under msw', async () => {
  // msw intercepts globalThis.fetch; the client's default transport has its own pool.
  const webex = createWebexClient({ auth: { token: 't' }, retry: { retries: 0 }, fetch: globalFetch });
  const { id } = await webex.locations.create({
    name: 'Sevilla',
    timeZone: 'Europe/Madrid',
    preferredLanguage: 'es_es',
    announcementLanguage: 'es_es',
    address: { address1: 'Av. de la Constitución 1', city: 'Sevilla', state: 'Sevilla', postalCode: '41001', country: 'ES' },
  });
  expect((await webex.people.findByEmail('ana.garcia@example.com'))?.displayName).toBe('Ana García');
  expect(sim.stats().state.locations).toBe(1);
  expect(sim.org.locations.get(id)?.name).toBe('Sevilla');
});
