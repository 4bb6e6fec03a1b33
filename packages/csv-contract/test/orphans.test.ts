import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { physicalLinesOf, validateCsvFile } from '@wbp/csv-contract';
import { assignment, csvText, location, tempDir, user, writeCsv } from './helpers.js';

async function validate(rows: ReadonlyArray<Record<string, string>>) {
  const dir = await tempDir();
  const input = await writeCsv(dir, csvText(rows));
  return { input, summary: await validateCsvFile(input, join(dir, 'out')) };
}

describe('rows that name a rejected location row (orphanedLocations)', () => {
  it('names the rejected location row, its line and reason, and counts the rows that depend on it', async () => {
    const { summary } = await validate([
      user({ email: 'a@example.com' }), // before its location row: found all the same
      location({ address_country: 'Spain' }), // rejected: country is not ISO 3166
      user({ email: 'b@example.com', location_key: 'es-mad-01' }), // the key in another case
      assignment({ email: 'a@example.com', extension: '1001' }),
      location({ location_name: 'Sevilla', location_external_id: 'ES-SEV-01' }),
      user({ email: 'c@example.com', location_key: 'ES-SEV-01' }), // its location row is ready
      user({ email: 'd@example.com', location_key: 'Barcelona' }), // no location row at all: may exist in Webex
    ]);
    expect(summary.orphanedLocations).toEqual([
      {
        locationKey: 'ES-MAD-01',
        locationRowId: 2,
        locationLine: 3,
        reasonCode: 'invalid_input_schema',
        dependents: 3,
        sample: [
          { rowId: 1, line: 2 },
          { rowId: 3, line: 4 },
          { rowId: 4, line: 5 },
        ],
      },
    ]);
  });

  it('a rejected location row named by its name counts too, and a ready row with that name clears it', async () => {
    const named = await validate([location({ location_external_id: '', time_zone: 'Mars/Olympus' }), user({ location_key: 'madrid hq' })]);
    expect(named.summary.orphanedLocations.map((o) => [o.locationRowId, o.dependents])).toEqual([[1, 1]]);
    // A rejected duplicate is not a cause: the first row with that key carries the location.
    const duplicate = await validate([location(), location({ location_name: 'Madrid HQ 2' }), user()]);
    expect(duplicate.summary.orphanedLocations).toEqual([]);
  });

  it('physicalLinesOf finds the line of a row after a quoted line break and blank lines', async () => {
    const dir = await tempDir();
    const text = csvText([location({ address_line2: 'Planta 2\nPuerta B' }), user(), user({ email: 'b@example.com' })]).replace(
      /\n(?=user,)/,
      '\n\n,,,\n',
    );
    const input = await writeCsv(dir, text);
    const lines = await physicalLinesOf(input, new Set([1, 3]));
    expect([...lines]).toEqual([
      [1, 2],
      [3, 7],
    ]);
  });
});
