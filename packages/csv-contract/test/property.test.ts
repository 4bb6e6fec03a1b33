import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CANONICAL_COLUMNS,
  CsvFileError,
  IDENTITY_COLUMNS,
  validateCsvFile,
  validateRecord,
  type ValidationSummary,
} from '@wbp/csv-contract';
import { csvText, readyRows, rejectedRows, tempDir, writeCsv } from './helpers.js';

/** Plausible values per column, valid and invalid, mixed with arbitrary text. */
const POOLS: Record<string, string[]> = {
  entity_type: ['location', 'user', 'extension_assignment', 'USER', ' location ', 'site', ''],
  entity_key: ['', '', '', 'ES-MAD-01', 'a@example.com', 'ES-MAD-01:1001'],
  location_key: ['ES-MAD-01', 'es-mad-01', 'Madrid', '', 'US-NYC-01'],
  location_name: ['Madrid', 'New York', '', 'M'.repeat(90)],
  location_external_id: ['ES-MAD-01', 'US-NYC-01', ''],
  time_zone: ['Europe/Madrid', 'america/new_york', 'CET', ''],
  preferred_language: ['es_es', 'en-US', 'spanish', ''],
  announcement_language: ['es_es', 'en_us', ''],
  address_line1: ['Calle Mayor 1', ''],
  address_city: ['Madrid', ''],
  address_state: ['Madrid', 'NY', ''],
  address_postal_code: ['28013', '8001', '10001', ''],
  address_country: ['ES', 'us', 'Spain', ''],
  email: ['a@example.com', 'A@Example.com', 'b@example.com', 'bad@', ''],
  calling_enabled: ['', 'true', 'no', 'sí', 'maybe'],
  calling_settings_call_waiting: ['', 'yes', '0', 'x'],
  calling_settings_forward_always: ['', '2001', '+34 91 555 12 34', 'reception'],
  calling_settings_caller_id: ['', 'direct_line', 'custom'],
  extension: ['1001', '1002', '911', '1', ''],
  phone_number: ['+34910000001', '0034 910 000 002', '910000003', ''],
  caller_id_selected: ['', 'location_number', 'x'],
  display_name: ['', '', '', 'Ana'],
};

const cell = (column: string) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...(POOLS[column] ?? [''])) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  );
const row = fc.record(
  Object.fromEntries([...CANONICAL_COLUMNS, 'display_name'].map((c) => [c, cell(c)])) as Record<string, fc.Arbitrary<string>>,
);

describe('validation properties', () => {
  it('every data row lands exactly once in ready ∪ rejected, and validation never throws on rows', async () => {
    const dir = await tempDir();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 40 }), async (rows) => {
        const out = join(dir, `run-${run++}`);
        const input = await writeCsv(dir, csvText(rows, ['display_name']), `in-${run}.csv`);
        const expected = rows.filter((r) => Object.values(r).some((v) => v.trim() !== '')).length;
        let summary: ValidationSummary;
        try {
          summary = await validateCsvFile(input, out);
        } catch (err) {
          // the only file-level outcome possible here: no row has any content
          expect(err).toBeInstanceOf(CsvFileError);
          expect(expected).toBe(0);
          return;
        }
        const ready = (await readyRows(summary.readyPath)).map((r) => r.row_id);
        const rejected = (await rejectedRows(summary.rejectedPath)).map((r) => Number(r.row_id));
        expect(summary.rows).toBe(expected);
        expect(ready.length + rejected.length).toBe(expected);
        expect([...ready, ...rejected].sort((a, b) => a - b)).toEqual(Array.from({ length: expected }, (_, i) => i + 1));
      }),
      { numRuns: 150 },
    );
    // 150 real validation runs with files: seconds on an idle machine, several times that beside the crash tests.
  }, 120_000);

  it('validateRecord never throws, and its output is a fixed point', () => {
    const anyRecord = fc.dictionary(
      fc.constantFrom(...CANONICAL_COLUMNS, ...IDENTITY_COLUMNS, 'unknown'),
      fc.oneof(fc.string({ unit: 'binary', maxLength: 20 }), fc.constantFrom(...Object.values(POOLS).flat())),
    );
    fc.assert(
      fc.property(fc.oneof(row, anyRecord), (record) => {
        const verdict = validateRecord(record);
        if (!verdict.ok) {
          expect(verdict.issues.length).toBeGreaterThan(0);
          return;
        }
        const again = validateRecord(verdict.row);
        expect(again.ok && again.row).toEqual(verdict.row);
      }),
      { numRuns: 3000 },
    );
  }, 60_000);
});
