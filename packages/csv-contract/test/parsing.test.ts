import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateCsvFile } from '@wbp/csv-contract';
import { assignment, csvText, location, readyRows, rejectedRows, tempDir, user, writeCsv } from './helpers.js';

describe('parsing robustness', () => {
  it('handles a BOM, CRLF, quoted newlines and blank trailing lines, with exact physical lines', async () => {
    const dir = await tempDir();
    const lines = [
      '\ufeffentity_type,email,location_key,notes,extension',
      'user,a@example.com,ES-MAD-01,"two\r\nlines",',
      'user,not-an-email,ES-MAD-01,,',
      '',
      'extension_assignment,a@example.com,ES-MAD-01,"x",1',
      'user,"b@example.com",ES-MAD-01,"three\r\nphysical\r\nlines",',
      'user,bad@,ES-MAD-01,,',
      ',,,,',
      '',
      '',
    ];
    const input = await writeCsv(dir, lines.join('\r\n'));
    const summary = await validateCsvFile(input, join(dir, 'out'));
    expect(summary).toMatchObject({ rows: 5, ready: 2, rejected: 3 });
    expect(summary.rejectedRows.map((r) => [r.rowId, r.line, r.column, r.rule])).toEqual([
      [2, 4, 'email', 'email_format'],
      [3, 6, 'extension', 'extension_format'],
      [5, 10, 'email', 'email_format'],
    ]);
    expect((await readyRows(summary.readyPath)).map((r) => [r.row_id, r.email])).toEqual([
      [1, 'a@example.com'],
      [4, 'b@example.com'],
    ]);
  });

  it('ignores unknown extra columns (reported once) and matches header names loosely', async () => {
    const dir = await tempDir();
    const input = await writeCsv(
      dir,
      ' Entity_Type ,EMAIL,Location_Key,Team Notes,cost centre\nuser,a@example.com,X,anything =1+1,"4,5"\n',
    );
    const summary = await validateCsvFile(input, join(dir, 'out'));
    expect(summary).toMatchObject({ rows: 1, ready: 1, ignoredColumns: ['Team Notes', 'cost centre'] });
  });

  it('rejects rows whose cell count differs from the header', async () => {
    const dir = await tempDir();
    const input = await writeCsv(
      dir,
      'entity_type,email,location_key\nuser,a@example.com\nuser,b@example.com,X,extra\nuser,c@example.com,X,,\n',
    );
    const summary = await validateCsvFile(input, join(dir, 'out'));
    expect(summary.rejectedRows.map((r) => [r.rowId, r.rule])).toEqual([
      [1, 'row_shape'],
      [2, 'row_shape'],
    ]);
    expect(summary.ready).toBe(1); // trailing empty cells are harmless
  });

  it('accepts a stray quote inside an unquoted value', async () => {
    const dir = await tempDir();
    const input = await writeCsv(dir, 'entity_type,email,location_key,notes\nuser,a@example.com,X,27" monitor\n');
    expect(await validateCsvFile(input, join(dir, 'out'))).toMatchObject({ ready: 1 });
  });

  it('returns the sha256 of the input bytes', async () => {
    const dir = await tempDir();
    const text = csvText([location(), user(), assignment()]);
    const input = await writeCsv(dir, text);
    const summary = await validateCsvFile(input, join(dir, 'out'));
    expect(summary.inputSha256).toBe(createHash('sha256').update(text).digest('hex'));
  });

  it('keeps input order and writes row_id first in ready_to_load.csv', async () => {
    const dir = await tempDir();
    const input = await writeCsv(dir, csvText([assignment(), user(), location()]));
    const summary = await validateCsvFile(input, join(dir, 'out'));
    const text = await readFile(summary.readyPath, 'utf8');
    expect(text.split('\n')[0]?.startsWith('row_id,entity_type,entity_key,location_key,row_ref,')).toBe(true);
    expect((await readyRows(summary.readyPath)).map((r) => [r.row_id, r.entity_type])).toEqual([
      [1, 'extension_assignment'],
      [2, 'user'],
      [3, 'location'],
    ]);
  });

  it('does not neutralise ready_to_load.csv but does neutralise rejected_rows.csv', async () => {
    const dir = await tempDir();
    const input = await writeCsv(dir, csvText([user({ row_ref: '=HYPERLINK("x")' }), user({ row_ref: '@bad', email: 'bad' })]));
    const summary = await validateCsvFile(input, join(dir, 'out'));
    expect((await readyRows(summary.readyPath))[0]?.row_ref).toBe('=HYPERLINK("x")');
    const [rejected] = await rejectedRows(summary.rejectedPath);
    expect(rejected?.entity_key).toBe('bad');
    expect(JSON.parse(rejected?.raw_row_minified ?? '')).toMatchObject({ row_ref: '@bad' });
  });

  it('caps the listed rejections but counts them all', async () => {
    const dir = await tempDir();
    const input = await writeCsv(dir, csvText(Array.from({ length: 30 }, () => user({ email: 'nope' }))));
    const summary = await validateCsvFile(input, join(dir, 'out'), { listLimit: 5 });
    expect(summary.rejected).toBe(30);
    expect(summary.rejectedRows).toHaveLength(5);
    expect((await rejectedRows(summary.rejectedPath)).length).toBe(30);
  });
});
