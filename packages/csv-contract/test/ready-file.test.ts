import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CsvFileError, validateCsvFile } from '@wbp/csv-contract';
import { FIXTURES, readyRows, tempDir } from './helpers.js';

describe('readReadyRows', () => {
  it('streams the ready rows with numeric row ids', async () => {
    const rows = await readyRows(join(FIXTURES, 'valid-site.ready.csv'));
    expect(rows).toHaveLength(9);
    expect(rows[2]).toMatchObject({
      row_id: 3,
      entity_type: 'user',
      email: 'ana.garcia@example.com',
      calling_enabled: 'true',
      calling_settings_caller_id: 'LOCATION_NUMBER',
    });
  });

  it('validating ready_to_load.csv again gives the same file (normal form is stable)', async () => {
    const dir = await tempDir();
    const first = await validateCsvFile(join(FIXTURES, 'valid-site.ready.csv'), join(dir, 'again'));
    expect(first.ignoredColumns).toEqual(['row_id']);
    expect(await readFile(first.readyPath, 'utf8')).toBe(await readFile(join(FIXTURES, 'valid-site.ready.csv'), 'utf8'));
  });

  async function tampered(edit: (text: string) => string): Promise<unknown> {
    const dir = await tempDir();
    const path = join(dir, 'ready_to_load.csv');
    await writeFile(path, edit(await readFile(join(FIXTURES, 'valid-site.ready.csv'), 'utf8')));
    return readyRows(path).catch((e: unknown) => e);
  }

  it.each([
    ['a different header', (t: string) => t.replace('row_id,', 'id,'), 1, /header/],
    [
      'a value not in normal form',
      (t: string) => t.replace('ana.garcia@example.com,true', 'Ana.Garcia@example.com,true'),
      4,
      /not normalised \(column email\)/,
    ],
    ['a row that no longer validates', (t: string) => t.replace(',1002,', ',1x02,'), 8, /no longer validates.*extension_format/],
    ['row ids out of order', (t: string) => t.replace('\n4,user', '\n2,user'), 5, /row_id "2"/],
    ['a missing column', (t: string) => t.replace(',Floor 12,', ','), 3, /columns/],
  ])('detects %s', async (_label, edit, line, message) => {
    const err = await tampered(edit);
    expect(err).toBeInstanceOf(CsvFileError);
    expect(err).toMatchObject({ kind: 'not_a_ready_file', line });
    expect((err as Error).message).toMatch(message);
  });
});
