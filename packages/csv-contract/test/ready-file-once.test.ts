import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { CANONICAL_COLUMNS, CsvFileError, READY_COLUMNS, ReadyFile, validateCsvFile, type ReadyRow } from '@wbp/csv-contract';
import { formatCsvLine } from '@wbp/files';
import { FIXTURES, readyRows, tempDir } from './helpers.js';

/** Every call of validateRecord, by the entity_key it was given: how often each row is validated. */
const validations = vi.hoisted(() => ({ calls: [] as string[] }));
vi.mock('../src/validate-row.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../src/validate-row.ts')>();
  return {
    ...actual,
    validateRecord: (...args: Parameters<typeof actual.validateRecord>) => {
      validations.calls.push(String(args[0].entity_key));
      return actual.validateRecord(...args);
    },
  };
});
beforeEach(() => {
  validations.calls.length = 0;
});

const READY = join(FIXTURES, 'valid-site.ready.csv');

async function all(rows: AsyncIterable<ReadyRow>): Promise<ReadyRow[]> {
  const out: ReadyRow[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

async function fileWith(text: string | Buffer): Promise<string> {
  const path = join(await tempDir(), 'ready_to_load.csv');
  await writeFile(path, text);
  return path;
}

const failure = (run: () => Promise<unknown>) =>
  run().then(
    () => undefined,
    (e: unknown) => e,
  );

describe('ReadyFile: ready_to_load.csv read once, its rows parsed from the bytes that were hashed', () => {
  it('gives exactly the rows readReadyRows gives, validated or not, and the sha256 of the file', async () => {
    const expected = await readyRows(READY);
    const file = await ReadyFile.read(READY);
    expect(file.sha256).toBe(
      createHash('sha256')
        .update(await readFile(READY))
        .digest('hex'),
    );
    expect(file.size).toBe((await readFile(READY)).length);
    expect(await all(file.rows())).toEqual(expected);
    expect(await all(file.rows({ validate: false }))).toEqual(expected);
    expect([...file.records({ validate: false })].map((r) => r.line)).toEqual(expected.map((_, i) => i + 2));
  });

  it('the same on a validated site with quoted cells (commas, quotes) and non-ASCII text', async () => {
    const dir = await tempDir();
    const site = [
      'entity_type,entity_key,location_key,row_ref,location_name,location_external_id,time_zone,preferred_language,announcement_language,address_line1,address_line2,address_city,address_state,address_postal_code,address_country,email,calling_enabled,extension',
      `location,,,"Madrid, ""HQ""",Madrid Señal,ES-MAD-01,Europe/Madrid,es_es,es_es,"Calle de Alcalá 1, 2º",,Madrid,Madrid,28014,ES,,,`,
      `user,,ES-MAD-01,"a, b",,,,,,,,,,,,ana@example.com,true,`,
      `extension_assignment,,ES-MAD-01,,,,,,,,,,,,,ana@example.com,,1001`,
      '',
    ].join('\n');
    await writeFile(join(dir, 'site.csv'), site);
    const summary = await validateCsvFile(join(dir, 'site.csv'), join(dir, 'out'));
    expect(summary.ready).toBe(3);
    const expected = await readyRows(summary.readyPath);
    expect(expected[0]).toMatchObject({ row_ref: 'Madrid, "HQ"', address_line1: 'Calle de Alcalá 1, 2º' });
    const file = await ReadyFile.read(summary.readyPath);
    expect(await all(file.rows({ validate: false }))).toEqual(expected);
    expect(await all(file.rows({ validate: false, entityType: 'user' }))).toEqual(expected.filter((r) => r.entity_type === 'user'));
  });

  it('entityType: only that type’s rows, in file order', async () => {
    const expected = await readyRows(READY);
    const file = await ReadyFile.read(READY);
    for (const type of ['location', 'user', 'extension_assignment'] as const) {
      expect(await all(file.rows({ validate: false, entityType: type }))).toEqual(expected.filter((r) => r.entity_type === type));
    }
  });

  it('validations per row: one with validate (the default), none with validate: false', async () => {
    const file = await ReadyFile.read(READY);
    const rows = await all(file.rows());
    expect(validations.calls).toEqual(rows.map((r) => r.entity_key));
    validations.calls.length = 0;
    for (let pass = 0; pass < 5; pass++) await all(file.rows({ validate: false, entityType: pass % 2 ? 'user' : undefined }));
    expect(validations.calls).toEqual([]);
  });

  it('a file changed on disk after the read changes nothing: every pass parses the bytes that were hashed', async () => {
    const path = await fileWith(await readFile(READY));
    const file = await ReadyFile.read(path);
    const before = await all(file.rows({ validate: false }));
    await writeFile(path, (await readFile(path, 'utf8')).replace('ana.garcia@example.com,true', 'mallory@example.com,true'));
    expect(await all(file.rows({ validate: false }))).toEqual(before);
    expect((await ReadyFile.read(path)).sha256).not.toBe(file.sha256);
  });

  it('a missing file is unreadable', async () => {
    const err = await failure(() => ReadyFile.read(join(FIXTURES, 'no-such.ready.csv')));
    expect(err).toBeInstanceOf(CsvFileError);
    expect(err).toMatchObject({ kind: 'unreadable' });
  });

  const text = () => readFile(READY, 'utf8');
  it.each([
    ['a different header', async () => (await text()).replace('row_id,', 'id,'), 1, /header/],
    ['row ids out of order', async () => (await text()).replace('\n4,user', '\n2,user'), 5, /row_id "2"/],
    ['a missing column', async () => (await text()).replace(',Floor 12,', ','), 3, /columns/],
    ['CRLF line ends (re-saved)', async () => (await text()).replaceAll('\n', '\r\n'), 1, /CR LF/],
    ['a byte-order mark', async () => `\uFEFF${await text()}`, 1, /header/],
    ['a last line cut short', async () => (await text()).slice(0, -5), 10, /does not end with a newline/],
    [
      'a quoted cell never closed',
      async () => (await text()).replace('"email lower, booleans"', '"email lower, booleans'),
      4,
      /never closed/,
    ],
    ['a cell quoted that needs no quotes', async () => (await text()).replace(',Floor 12,', ',"Floor 12",'), 3, /needs no quotes/],
    ['a quote inside an unquoted cell', async () => (await text()).replace(',Floor 12,', ',Floor "12",'), 3, /quote or CR/],
    ['an empty file', async () => '', undefined, /empty/],
  ])('validate: false still refuses %s', async (_label, edit, line, message) => {
    const file = await ReadyFile.read(await fileWith(await edit()));
    const err = await failure(() => all(file.rows({ validate: false })));
    expect(err).toBeInstanceOf(CsvFileError);
    expect(err).toMatchObject({ kind: 'not_a_ready_file', line });
    expect((err as Error).message).toMatch(message);
  });

  it.each([
    [
      'a value not in normal form',
      (t: string) => t.replace('ana.garcia@example.com,true', 'Ana.Garcia@example.com,true'),
      4,
      /not normalised \(column email\)/,
    ],
    ['a row that no longer validates', (t: string) => t.replace(',1002,', ',1x02,'), 8, /no longer validates.*extension_format/],
  ])('validate (the default) refuses %s, as readReadyRows does', async (_label, edit, line, message) => {
    const path = await fileWith(edit(await text()));
    for (const rows of [async () => all((await ReadyFile.read(path)).rows()), () => readyRows(path)]) {
      const err = await failure(rows);
      expect(err).toBeInstanceOf(CsvFileError);
      expect(err).toMatchObject({ kind: 'not_a_ready_file', line });
      expect((err as Error).message).toMatch(message);
    }
  });

  it('parses back any cells formatCsvLine writes (quotes, commas, CR, LF, non-ASCII), with the line each record starts on', async () => {
    const cell = fc.oneof(
      fc.constantFrom('', 'a', ',', '"', '""', '\n', '\r', '\r\n', 'x, "y"', 'Alcalá', '☎'),
      fc.string({ maxLength: 6 }),
      fc.string({ unit: 'grapheme', maxLength: 4 }),
    );
    const record = fc.array(cell, { minLength: CANONICAL_COLUMNS.length, maxLength: CANONICAL_COLUMNS.length });
    await fc.assert(
      fc.asyncProperty(fc.array(record, { maxLength: 6 }), async (records) => {
        const lines = records.map((cells, i) => formatCsvLine([String(i + 1), ...cells]));
        const file = await ReadyFile.read(await fileWith(formatCsvLine(READY_COLUMNS) + lines.join('')));
        const parsed = [...file.records({ validate: false })];
        expect(parsed.map(({ row }) => CANONICAL_COLUMNS.map((c) => row[c]))).toEqual(records);
        let line = 2;
        for (const [i, { line: at }] of parsed.entries()) {
          expect(at).toBe(line);
          line += lines[i]!.split(/\r\n|\n|\r/).length - 1;
        }
      }),
      { numRuns: 150 },
    );
  });
});
