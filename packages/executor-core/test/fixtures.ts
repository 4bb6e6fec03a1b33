import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createWebexClient } from '@wbp/webex-client';
import type { CanonicalColumn } from '@wbp/csv-contract';
import { globalFetch } from '../../../test-support/global-fetch.js';
import { readyFields } from '../../../test-support/ready-fields.js';
import { createSimulator, type SimulatorOptions } from '@wbp/webex-sim';
import { DEFAULT_EXECUTOR_CONFIG, execute, silentLogger, type EntityType, type ExecRow, type ExecutorConfig } from '../src/index.js';

export const TOKEN = 'exec-test-token';
export const HASH = 'a'.repeat(64);
/** A short settle window so faults that leave outcomes unknown cost milliseconds in tests. */
export const TEST_SETTLE = { windowMs: 200, firstDelayMs: 20 };

let nextRowId = 0;
export function resetRowIds(): void {
  nextRowId = 0;
}

/** Columns a test row sets (every other column is ''). */
export type Columns = Partial<Record<CanonicalColumn, string>>;

function row(entityType: EntityType, entityKey: string, fields: Columns): ExecRow {
  return { rowId: ++nextRowId, entityType, entityKey, fields: readyFields(fields) };
}

export const site = (name: string, extra: Columns = {}) =>
  row('location', name, {
    location_name: name,
    location_key: name,
    time_zone: 'Europe/Madrid',
    preferred_language: 'es_es',
    announcement_language: 'es_es',
    address_line1: 'Calle Mayor 1',
    address_city: 'Madrid',
    address_state: 'Madrid',
    address_postal_code: '28013',
    address_country: 'ES',
    ...extra,
  });

export const user = (email: string, location: string, extra: Columns = {}) =>
  row('user', email, { email, location_key: location, calling_enabled: 'true', ...extra });

export const assignment = (
  email: string,
  location: string,
  extra: { extension?: string; phone_number?: string; caller_id_selected?: string },
) => row('extension_assignment', `${location}:${extra.extension ?? extra.phone_number}`, { email, location_key: location, ...extra });

/** In-process simulator served by msw, a fresh one per test via `sim.reset()`. */
export function useInProcessSim(options: Partial<SimulatorOptions> = {}) {
  const sim = createSimulator({
    token: TOKEN,
    people: [
      { email: 'ana.garcia@example.com', displayName: 'Ana García' },
      { email: 'john.smith@example.com', displayName: 'John Smith' },
      { email: 'maria.lopez@example.com', displayName: 'María López' },
      { email: 'old.timer@example.com', displayName: 'Old Timer', locationName: 'Madrid HQ', extension: '1999' },
    ],
    numbers: [
      { locationName: 'Madrid HQ', phoneNumber: '+34910000001' },
      { locationName: 'Madrid HQ', phoneNumber: '+34910000002' },
    ],
    callingLicenses: 100,
    ...options,
  });
  const server = setupServer(...sim.handlers);
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => {
    server.resetHandlers();
    sim.configure({ token: TOKEN, applyThenDropRate: 0, duplicateLocationNames: 'reject' });
    sim.reset();
    resetRowIds();
  });
  afterAll(() => server.close());
  return { sim, server };
}

export function tmpOut(): string {
  return mkdtempSync(join(tmpdir(), 'wbp-exec-'));
}

export async function run(
  rows: ExecRow[],
  options: { outDir?: string; config?: Partial<ExecutorConfig>; token?: string; retries?: number; onRowDone?: (row: ExecRow) => void } = {},
) {
  const outDir = options.outDir ?? tmpOut();
  const port = createWebexClient({
    auth: { token: options.token ?? TOKEN },
    retry: { retries: options.retries ?? 2, minDelayMs: 1, maxDelayMs: 5 },
    timeout: { requestMs: 2_000 },
    fetch: globalFetch,
  });
  const result = await execute({
    outDir,
    inputHash: HASH,
    rows: async function* (type) {
      for (const r of rows) if (r.entityType === type) yield r;
    },
    port,
    config: { ...DEFAULT_EXECUTOR_CONFIG, concurrency: 4, settle: TEST_SETTLE, ...options.config },
    log: silentLogger,
    ...(options.onRowDone ? { onRowDone: options.onRowDone } : {}),
  });
  return { result, outDir };
}
