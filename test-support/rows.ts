import { CANONICAL_COLUMNS, type CanonicalColumn } from '@wbp/csv-contract';
import { formatCsvLine } from '@wbp/files';

/** The cells of one input-CSV row a test writes: contract columns only, so a misspelt one does not compile. */
export type InputCells = Partial<Record<CanonicalColumn, string>>;

/** Where the tests' Madrid site stands: a valid time zone, languages and address. */
export const MADRID_ADDRESS = {
  time_zone: 'Europe/Madrid',
  preferred_language: 'es_es',
  announcement_language: 'es_es',
  address_line1: 'Calle Mayor 1',
  address_city: 'Madrid',
  address_state: 'Madrid',
  address_postal_code: '28013',
  address_country: 'ES',
} as const satisfies InputCells;

/** A valid location row: Madrid HQ, external id ES-MAD-01, then `overrides`. */
export const locationRow = (overrides: InputCells = {}): InputCells => ({
  entity_type: 'location',
  location_name: 'Madrid HQ',
  location_external_id: 'ES-MAD-01',
  ...MADRID_ADDRESS,
  ...overrides,
});

/** A valid user row at ES-MAD-01 (ana.garcia@example.com unless `overrides` says otherwise). */
export const userRow = (overrides: InputCells = {}): InputCells => ({
  entity_type: 'user',
  location_key: 'ES-MAD-01',
  email: 'ana.garcia@example.com',
  ...overrides,
});

/** A valid extension_assignment row at ES-MAD-01 (extension 1001 unless `overrides` says otherwise). */
export const assignmentRow = (overrides: InputCells = {}): InputCells => ({
  entity_type: 'extension_assignment',
  location_key: 'ES-MAD-01',
  email: 'ana.garcia@example.com',
  extension: '1001',
  ...overrides,
});

/**
 * An input CSV: a header of `columns` (by default every column some row sets, in contract order),
 * then one RFC 4180 line per row, LF-terminated; a column a row does not set is an empty cell.
 */
export function inputCsv(rows: readonly InputCells[], columns: readonly CanonicalColumn[] = columnsSet(rows)): string {
  return [columns, ...rows.map((row) => columns.map((column) => row[column] ?? ''))].map(formatCsvLine).join('');
}

function columnsSet(rows: readonly InputCells[]): CanonicalColumn[] {
  return CANONICAL_COLUMNS.filter((column) => rows.some((row) => row[column] !== undefined));
}
