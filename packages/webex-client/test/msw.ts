import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createWebexClient, type ClientEvent, type WebexClientOptions } from '../src/index.js';
import { globalFetch } from '../../../test-support/global-fetch.js';

export const BASE = 'https://webexapis.com/v1';
export const TOKEN = 'secret-token-abc123XYZ';

/** A valid `POST /locations` body. */
export const madrid = {
  name: 'Madrid',
  timeZone: 'Europe/Madrid',
  preferredLanguage: 'es_es',
  announcementLanguage: 'es_es',
  address: { address1: 'Calle 1', city: 'Madrid', state: 'M', postalCode: '28001', country: 'ES' },
};

/** One msw server per test file, failing on any request no handler expects. */
export function useMsw() {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  return server;
}

/** A client with tiny back-off so retry tests run in milliseconds; events are captured. Groups given are merged into these. */
export function testClient(overrides: Partial<WebexClientOptions> = {}) {
  const events: ClientEvent[] = [];
  const client = createWebexClient({
    fetch: globalFetch,
    onEvent: (e) => events.push(e),
    ...overrides,
    auth: overrides.auth ?? { token: TOKEN },
    retry: { minDelayMs: 1, maxDelayMs: 5, ...overrides.retry },
    timeout: { requestMs: 2_000, ...overrides.timeout },
  });
  return { client, events };
}
