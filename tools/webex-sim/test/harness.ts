import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createWebexClient, type WebexClientOptions } from '@wbp/webex-client';
import { startSimulator, type Simulator, type StartedSimulator, type SimulatorOptions } from '../src/index.js';

export const TOKEN = 'sim-test-token';
export const NO_SCOPE = 'sim-no-scope-token';

export const madrid = {
  name: 'Madrid HQ',
  timeZone: 'Europe/Madrid',
  preferredLanguage: 'es_es',
  announcementLanguage: 'es_es',
  address: { address1: 'Calle de Alcalá 1', city: 'Madrid', state: 'Madrid', postalCode: '28014', country: 'ES' },
};

/** A real simulator on 127.0.0.1 for the file, reset to its seed before each test. */
export function useSimulator(options: Partial<SimulatorOptions> = {}) {
  const box = {} as { sim: StartedSimulator; control: string };
  beforeAll(async () => {
    box.sim = await startSimulator({
      token: TOKEN,
      tokenNoScope: NO_SCOPE,
      people: [
        { email: 'ana.garcia@example.com', displayName: 'Ana García' },
        { email: 'john.smith@example.com', displayName: 'John Smith' },
        { email: 'old.timer@example.com', displayName: 'Old Timer', locationName: 'Madrid HQ', extension: '1999' },
        ...Array.from({ length: 25 }, (_, i) => ({ email: `user${i}@example.com`, displayName: `User ${i}` })),
      ],
      numbers: [
        { locationName: 'Madrid HQ', phoneNumber: '+34910000001' },
        { locationName: 'Madrid HQ', phoneNumber: '+34910000002' },
        { locationName: 'Madrid HQ', phoneNumber: '+34910000003' },
      ],
      callingLicenses: 1000,
      ...options,
    });
    box.control = box.sim.baseUrl.replace(/\/v1$/, '/_sim');
  });
  beforeEach(() => box.sim.sim.reset());
  afterAll(() => box.sim.close());
  return box;
}

/** A client of the simulator with no retries and tiny back-off; groups given are merged into these. */
export function clientFor(baseUrl: string, overrides: Partial<WebexClientOptions> = {}) {
  return createWebexClient({
    baseUrl,
    auth: { token: TOKEN },
    ...overrides,
    retry: { retries: 0, minDelayMs: 1, maxDelayMs: 5, ...overrides.retry },
  });
}

export async function raw(baseUrl: string, method: string, path: string, body?: unknown, token: string | null = TOKEN) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

/** A Calling-enabled location (Madrid HQ by default); returns its id. */
export async function callingSite(baseUrl: string, site = madrid): Promise<string> {
  const webex = clientFor(baseUrl);
  const { id } = await webex.locations.create(site);
  await webex.callingLocations.enable({ id, ...site });
  return id;
}

export async function stats(control: string) {
  return (await (await fetch(`${control}/stats`)).json()) as ReturnType<Simulator['stats']>;
}

/** POST /_sim/config; fails the test unless accepted. */
export async function configure(control: string, patch: Record<string, unknown>): Promise<Record<string, unknown>> {
  const r = await fetch(`${control}/config`, { method: 'POST', body: JSON.stringify(patch) });
  if (r.status !== 200) throw new Error(`POST /_sim/config ${JSON.stringify(patch)} → ${r.status} ${await r.text()}`);
  return (await r.json()) as Record<string, unknown>;
}
