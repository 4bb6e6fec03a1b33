import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createWebexClient, type ClientEvent, type WebexClientOptions } from '../src/index.js';

export const BASE = 'https://webexapis.com/v1';
export const TOKEN = 'secret-token-abc123XYZ';

/** One msw server per test file, failing on any request no handler expects. */
export function useMsw() {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  return server;
}

/** A client with tiny back-off so retry tests run in milliseconds; events are captured. */
export function testClient(overrides: Partial<WebexClientOptions> = {}) {
  const events: ClientEvent[] = [];
  const client = createWebexClient({
    token: TOKEN,
    minRetryDelayMs: 1,
    maxRetryDelayMs: 5,
    requestTimeoutMs: 2_000,
    onEvent: (e) => events.push(e),
    ...overrides,
  });
  return { client, events };
}
