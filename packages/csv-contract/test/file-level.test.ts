import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ContractConfigError, CsvFileError, MAX_RECORD_BYTES, validateCsvFile } from '@wbp/csv-contract';
import { assignment, csvText, location, tempDir, user, writeCsv } from './helpers.js';

async function fileError(text: string | Buffer, options = {}): Promise<CsvFileError> {
  const dir = await tempDir();
  const input = await writeCsv(dir, text);
  const err = await validateCsvFile(input, join(dir, 'out'), options).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(CsvFileError);
  return err as CsvFileError;
}

describe('file-level errors', () => {
  it('reports every missing required column in one error', async () => {
    const text =
      'entity_type,email,location_name,time_zone,address_city\nlocation,,Madrid,Europe/Madrid,Madrid\nuser,ana@example.com,,,\nextension_assignment,ana@example.com,,,\n';
    const err = await fileError(text);
    expect(err.kind).toBe('missing_columns');
    expect(err.line).toBe(1);
    expect(err.message).toBe(
      `${err.file}:1: missing required columns: preferred_language, announcement_language, address_line1, address_state, address_postal_code, address_country (needed by location rows); location_key (needed by user rows); location_key, extension or phone_number (needed by extension_assignment rows)`,
    );
  });

  it('only requires the columns of entity types that occur, minus defaulted ones', async () => {
    const dir = await tempDir();
    const users = await writeCsv(dir, 'entity_type,email,location_key\nuser,ana@example.com,ES-MAD-01\n');
    await expect(validateCsvFile(users, join(dir, 'a'))).resolves.toMatchObject({ ready: 1 });

    const sites = await writeCsv(
      dir,
      'entity_type,location_name,address_line1,address_city,address_state,address_postal_code\nlocation,Madrid,Calle Mayor 1,Madrid,Madrid,28013\n',
      'sites.csv',
    );
    const defaults = { time_zone: 'Europe/Madrid', preferred_language: 'es_es', announcement_language: 'es_es', address_country: 'es' };
    const summary = await validateCsvFile(sites, join(dir, 'b'), { defaults });
    expect(summary.ready).toBe(1);
    expect(await readFile(summary.readyPath, 'utf8')).toContain(',Europe/Madrid,es_es,es_es,Calle Mayor 1,,Madrid,Madrid,28013,ES,');
  });

  it('points at the header line even after leading blank lines', async () => {
    expect(await fileError('\n\nentity_type,email\nuser,a@example.com\n')).toMatchObject({ kind: 'missing_columns', line: 3 });
  });

  it('needs entity_type in the header', async () => {
    expect(await fileError('email,location_key\nana@example.com,X\n')).toMatchObject({ kind: 'missing_columns', line: 1 });
  });

  it('explains a semicolon-separated file', async () => {
    const err = await fileError('entity_type;email;location_key\nuser;ana@example.com;X\n');
    expect(err.kind).toBe('wrong_delimiter');
    expect(err.message).toMatch(/semicolons.*CSV UTF-8/);
  });

  it('refuses duplicated known columns', async () => {
    expect(await fileError('entity_type,email,Email\nuser,a@example.com,b@example.com\n')).toMatchObject({ kind: 'duplicate_columns' });
  });

  it.each([
    ['an empty file', ''],
    ['only blank lines', '\n\n\r\n'],
    ['a header and no rows', 'entity_type,email,location_key\n\n,,\n'],
  ])('refuses %s', async (_label, text) => {
    expect(await fileError(text)).toMatchObject({ kind: 'empty_file' });
  });

  it('refuses a file that is not UTF-8, naming the line', async () => {
    const latin1 = Buffer.concat([
      Buffer.from('entity_type,email,location_key\nuser,ana@example.com,X\nuser,jos'),
      Buffer.from([0xe9]),
      Buffer.from('@example.com,X\n'),
    ]);
    expect(await fileError(latin1)).toMatchObject({ kind: 'encoding', line: 3 });
    const lateLatin1 = Buffer.concat([
      Buffer.from('entity_type,email,location_key\nuser,a\ufffd@example.com,X\nuser,b@example.com,X\nuser,jos'),
      Buffer.from([0xe9]),
      Buffer.from('@example.com,X\n'),
    ]);
    expect(await fileError(lateLatin1)).toMatchObject({ kind: 'encoding' });
    const utf16 = Buffer.from('\ufeffentity_type,email\n', 'utf16le');
    expect(await fileError(utf16)).toMatchObject({ kind: 'encoding', line: 1 });
  });

  describe('names the encoding it detects', () => {
    const text = 'entity_type,email,location_key\nuser,josé@example.com,X\n';
    const utf32 = (s: string, endian: 'LE' | 'BE') => {
      const out = Buffer.alloc([...s].length * 4);
      [...s].forEach((ch, i) => {
        if (endian === 'LE') out.writeUInt32LE(ch.codePointAt(0) ?? 0, i * 4);
        else out.writeUInt32BE(ch.codePointAt(0) ?? 0, i * 4);
      });
      return out;
    };
    const utf16be = (s: string) => Buffer.from(s, 'utf16le').swap16();
    it.each([
      ['UTF-32 LE', 'detected from its byte-order mark', utf32(`\ufeff${text}`, 'LE')],
      ['UTF-32 BE', 'detected from its byte-order mark', utf32(`\ufeff${text}`, 'BE')],
      ['UTF-16 LE', 'detected from its byte-order mark', Buffer.from(`\ufeff${text}`, 'utf16le')],
      ['UTF-16 BE', 'detected from its byte-order mark', utf16be(`\ufeff${text}`)],
      ['UTF-16 LE', 'no byte-order mark, detected from the NUL bytes between its characters', Buffer.from(text, 'utf16le')],
      ['UTF-16 BE', 'no byte-order mark, detected from the NUL bytes between its characters', utf16be(text)],
      ['UTF-32 LE', 'no byte-order mark, detected from the NUL bytes between its characters', utf32(text, 'LE')],
      ['UTF-32 BE', 'no byte-order mark, detected from the NUL bytes between its characters', utf32(text, 'BE')],
    ])('%s (%s)', async (encoding, how, bytes) => {
      const err = await fileError(bytes);
      expect(err).toMatchObject({ kind: 'encoding', line: 1 });
      expect(err.detail).toBe(`the file is ${encoding} (${how}); wbp reads UTF-8 only: save it as "CSV UTF-8 (Comma delimited)"`);
    });
  });

  it('accepts a genuine U+FFFD character in a valid UTF-8 file', async () => {
    const dir = await tempDir();
    const input = await writeCsv(dir, 'entity_type,email,location_key,notes\nuser,a@example.com,X,\ufffd\n');
    await expect(validateCsvFile(input, join(dir, 'out'))).resolves.toMatchObject({ ready: 1 });
  });

  it('refuses an unclosed quote, naming the line it opens on', async () => {
    const text = 'entity_type,email,location_key\nuser,a@example.com,X\nuser,"b@example.com,X\nuser,c@example.com,X\n';
    expect(await fileError(text)).toMatchObject({ kind: 'malformed_csv', line: 3 });
    // after blank lines too, and after a closed multi-line field
    expect(
      await fileError(`entity_type,email,location_key,notes\nuser,a@example.com,X,"two\nlines"\n\n\r\n"user,b@example.com,X,\n`),
    ).toMatchObject({ kind: 'malformed_csv', line: 6 });
  });

  it(`stops at an unclosed quote within ${MAX_RECORD_BYTES / 1024} KiB, however much of the file follows it`, async () => {
    const head = 'entity_type,email,location_key,notes\nuser,a@example.com,X,\n\nuser,b@example.com,X,"unclosed\n';
    const tail = Buffer.alloc(20 * 1024 * 1024, 'user,c@example.com,X,\n');
    const err = await fileError(Buffer.concat([Buffer.from(head), tail]));
    expect(err).toMatchObject({ kind: 'malformed_csv', line: 4 });
    expect(err.detail).toBe(
      `the record starting on this line is longer than ${MAX_RECORD_BYTES / 1024} KiB (the limit per row): a quote opened in it is most likely never closed; close it, or double a quote meant literally ("")`,
    );
  });

  it('refuses an over-long record even when its quotes are closed', async () => {
    const err = await fileError(`entity_type,email,location_key,notes\nuser,a@example.com,X,"${'n'.repeat(MAX_RECORD_BYTES)}"\n`);
    expect(err).toMatchObject({ kind: 'malformed_csv', line: 2 });
  });

  it('enforces maxRows', async () => {
    const text = csvText([user({ email: 'a@example.com' }), user({ email: 'b@example.com' }), user({ email: 'c@example.com' })]);
    expect(await fileError(text, { maxRows: 2 })).toMatchObject({ kind: 'too_many_rows', line: 4 });
  });

  it('reports a missing or unreadable input', async () => {
    const dir = await tempDir();
    await expect(validateCsvFile(join(dir, 'nope.csv'), dir)).rejects.toMatchObject({ kind: 'unreadable' });
    await expect(validateCsvFile(dir, join(dir, 'out'))).rejects.toMatchObject({ kind: 'unreadable' });
  });

  it('refuses defaults for other columns or with invalid values', async () => {
    const dir = await tempDir();
    const input = await writeCsv(dir, csvText([location()]));
    await expect(validateCsvFile(input, dir, { defaults: { address_city: 'Madrid' } })).rejects.toThrow(ContractConfigError);
    await expect(validateCsvFile(input, dir, { defaults: { time_zone: 'Mars/Base' } })).rejects.toThrow(/default time_zone=Mars\/Base/);
  });

  it('leaves no temporary files and keeps earlier outputs when the file fails', async () => {
    const dir = await tempDir();
    const out = join(dir, 'out');
    const good = await writeCsv(dir, csvText([location(), user(), assignment()]), 'good.csv');
    await validateCsvFile(good, out);
    const before = await readFile(join(out, 'ready_to_load.csv'), 'utf8');
    const bad = await writeCsv(dir, `${csvText([user()])}user,"unclosed\n`, 'bad.csv');
    await expect(validateCsvFile(bad, out)).rejects.toThrow(CsvFileError);
    expect((await readdir(out)).sort()).toEqual(['ready_to_load.csv', 'rejected_rows.csv']);
    expect(await readFile(join(out, 'ready_to_load.csv'), 'utf8')).toBe(before);
  });

  it('replaces the outputs of a previous validation instead of appending', async () => {
    const dir = await tempDir();
    const out = join(dir, 'out');
    const input = await writeCsv(dir, csvText([user(), user()]));
    await validateCsvFile(input, out);
    await validateCsvFile(input, out);
    const rejected = (await readFile(join(out, 'rejected_rows.csv'), 'utf8')).trim().split('\n');
    expect(rejected).toHaveLength(2); // header + the one duplicate
    await writeFile(join(out, 'rejected_rows.csv'), 'garbage'); // a corrupt leftover is replaced too
    await expect(validateCsvFile(input, out)).resolves.toMatchObject({ rejected: 1 });
  });
});
