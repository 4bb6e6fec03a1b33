import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateCsvFile } from '@wbp/csv-contract';
import { assignment, csvText, location, readyRows, rejectedRows, tempDir, user, writeCsv } from './helpers.js';

async function validate(rows: ReadonlyArray<Record<string, string>>) {
  const dir = await tempDir();
  const summary = await validateCsvFile(await writeCsv(dir, csvText(rows)), join(dir, 'out'));
  const ready = (await readyRows(summary.readyPath)).map((r) => r.row_id);
  const rejected = summary.rejectedRows.map((r) => [r.rowId, r.line, r.reasonCode, r.rule, r.column]);
  return { summary, ready, rejected };
}

describe('duplicate location names (duplicate_location_name)', () => {
  it('rejects a second location with the same name, any case and spacing, under another key', async () => {
    const { summary, ready, rejected } = await validate([
      location(),
      location({ location_name: '  MADRID hq ', location_external_id: 'ES-MAD-02' }),
      location({ location_name: 'madrid HQ', location_external_id: '' }), // keyed by its name
      location({ location_name: 'Madrid Norte', location_external_id: 'ES-MAD-03' }),
    ]);
    expect(ready).toEqual([1, 4]);
    expect(rejected).toEqual([
      [2, 3, 'duplicate_key', 'duplicate_location_name', 'location_name'],
      [3, 4, 'duplicate_key', 'duplicate_location_name', 'location_name'],
    ]);
    expect(summary.rejectedRows[0]?.message).toBe(
      'location_name: location name "MADRID hq" is already used by row 1 (line 2), location key "ES-MAD-01"; Webex location names are unique regardless of case, so this row would silently update that location: rename it or remove the row; the first occurrence is kept [duplicate_location_name]',
    );
  });

  it('still reports the same key as duplicate_location_key', async () => {
    const { rejected } = await validate([location(), location({ location_name: 'Madrid HQ', location_external_id: 'es-mad-01' })]);
    expect(rejected).toEqual([[2, 3, 'duplicate_key', 'duplicate_location_key', 'entity_key']]);
  });

  it('lets a row rejected for another reason claim no name', async () => {
    const { ready } = await validate([location({ address_country: 'Spain' }), location({ location_external_id: 'ES-MAD-02' })]);
    expect(ready).toEqual([2]);
  });
});

describe('one extension_assignment per user and location (duplicate_assignment)', () => {
  it('rejects a second assignment of the same e-mail at the same location key, case-insensitively', async () => {
    const { summary, ready, rejected } = await validate([
      location(),
      assignment(),
      assignment({ email: 'Ana.Garcia@Example.com', location_key: 'es-mad-01', extension: '1002' }),
      assignment({ email: 'ana.garcia@example.com', location_key: 'US-NYC-01', extension: '2001' }), // another location
      assignment({ email: 'bob@example.com', extension: '1003' }),
    ]);
    expect(ready).toEqual([1, 2, 4, 5]);
    expect(rejected).toEqual([[3, 4, 'duplicate_key', 'duplicate_assignment', 'email']]);
    expect(summary.rejectedRows[0]?.message).toBe(
      'email: user ana.garcia@example.com at location "es-mad-01" already has an extension_assignment in row 2 (line 3); a user gets one per location (two would swap the extension on every run): keep one row; the first occurrence is kept [duplicate_assignment]',
    );
    const [stored] = await rejectedRows(summary.rejectedPath);
    expect(stored).toMatchObject({ row_id: '3', reason_code: 'duplicate_key', entity_key: 'es-mad-01:1002' });
  });

  it('resolves a location key to the location row above it: its external id and its name are one location', async () => {
    const { ready, rejected } = await validate([
      location(),
      assignment(),
      assignment({ location_key: ' madrid hq', extension: '1002' }),
      assignment({ email: 'bob@example.com', location_key: 'MADRID HQ', extension: '1001' }),
      user({ email: 'carl@example.com' }),
    ]);
    expect(ready).toEqual([1, 2, 5]);
    expect(rejected).toEqual([
      [3, 4, 'duplicate_key', 'duplicate_assignment', 'email'],
      [4, 5, 'duplicate_key', 'duplicate_extension', 'extension'],
    ]);
  });

  it('keeps the first in file order; a broken first row claims nothing', async () => {
    const { ready, rejected } = await validate([
      assignment({ extension: '1' }),
      assignment({ extension: '1002' }),
      assignment({ extension: '1003' }),
    ]);
    expect(ready).toEqual([2]);
    expect(rejected.map((r) => [r[0], r[3]])).toEqual([
      [1, 'extension_format'],
      [3, 'duplicate_assignment'],
    ]);
  });
});
