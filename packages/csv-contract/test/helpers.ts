import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { REJECTED_COLUMNS, readCsvRecords } from '@wbp/files';
import { CANONICAL_COLUMNS, readReadyRows, type ReadyRow } from '@wbp/csv-contract';

export const FIXTURES = join(import.meta.dirname, 'fixtures');

export async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'wbp-contract-'));
}

/** A CSV with the full canonical header (plus `extra` columns) and one line per row. */
export function csvText(rows: ReadonlyArray<Readonly<Record<string, string>>>, extra: readonly string[] = []): string {
  const header = [...CANONICAL_COLUMNS, ...extra];
  return stringify([header, ...rows.map((row) => header.map((column) => row[column] ?? ''))], { record_delimiter: 'unix' });
}

export async function writeCsv(dir: string, text: string | Buffer, name = 'input.csv'): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

export async function readyRows(path: string): Promise<ReadyRow[]> {
  const rows: ReadyRow[] = [];
  for await (const row of readReadyRows(path)) rows.push(row);
  return rows;
}

export async function rejectedRows(path: string): Promise<Array<Record<(typeof REJECTED_COLUMNS)[number], string>>> {
  const rows: Array<Record<(typeof REJECTED_COLUMNS)[number], string>> = [];
  for await (const row of readCsvRecords(path, REJECTED_COLUMNS)) rows.push(row);
  return rows;
}

export const location = (overrides: Record<string, string> = {}): Record<string, string> => ({
  entity_type: 'location',
  location_name: 'Madrid HQ',
  location_external_id: 'ES-MAD-01',
  time_zone: 'Europe/Madrid',
  preferred_language: 'es_es',
  announcement_language: 'es_es',
  address_line1: 'Calle Mayor 1',
  address_city: 'Madrid',
  address_state: 'Madrid',
  address_postal_code: '28013',
  address_country: 'ES',
  ...overrides,
});
export const user = (overrides: Record<string, string> = {}): Record<string, string> => ({
  entity_type: 'user',
  location_key: 'ES-MAD-01',
  email: 'ana.garcia@example.com',
  ...overrides,
});
export const assignment = (overrides: Record<string, string> = {}): Record<string, string> => ({
  entity_type: 'extension_assignment',
  location_key: 'ES-MAD-01',
  email: 'ana.garcia@example.com',
  extension: '1001',
  ...overrides,
});
