import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateCsvFile } from '@wbp/csv-contract';
import { readyRows, rejectedRows, tempDir, writeCsv } from './helpers.js';

const HEADER = 'entity_type,email,location_key,notes';

/** Joins lines with the given breaks (`breaks[i]` ends `lines[i]`). */
function text(lines: readonly string[], breaks: readonly string[]): string {
  return lines.map((line, i) => `${line}${breaks[i] ?? ''}`).join('');
}

async function validate(content: string) {
  const dir = await tempDir();
  const summary = await validateCsvFile(await writeCsv(dir, content), join(dir, 'out'));
  const ready = await readyRows(summary.readyPath);
  const rejected = await rejectedRows(summary.rejectedPath);
  // every physical data row is accounted for: it is ready or rejected, exactly once
  expect(ready.length + rejected.length).toBe(summary.rows);
  expect([...ready.map((r) => r.row_id), ...rejected.map((r) => Number(r.row_id))].sort((a, b) => a - b)).toEqual(
    Array.from({ length: summary.rows }, (_, i) => i + 1),
  );
  return { summary, ready, rejected };
}

describe('mixed line endings: every CRLF, LF and lone CR outside quotes ends a record', () => {
  const rows = [
    'user,a@example.com,X,',
    'user,b@example.com,X,',
    'user,bad@,X,',
    'user,c@example.com,X,"two\r\nlines"',
    'user,d@example.com,X,',
  ];

  it('a CRLF file with one LF-only line', async () => {
    const { summary, ready } = await validate(text([HEADER, ...rows], ['\r\n', '\r\n', '\n', '\r\n', '\r\n', '\r\n']));
    expect(summary).toMatchObject({ rows: 5, ready: 4, rejected: 1 });
    expect(ready.map((r) => [r.row_id, r.email])).toEqual([
      [1, 'a@example.com'],
      [2, 'b@example.com'],
      [4, 'c@example.com'],
      [5, 'd@example.com'],
    ]);
    expect(summary.rejectedRows.map((r) => [r.rowId, r.line, r.rule])).toEqual([[3, 4, 'email_format']]);
  });

  it('a CRLF header with LF rows', async () => {
    const seven = Array.from({ length: 7 }, (_, i) => `user,u${i}@example.com,X,`);
    const { summary, ready } = await validate(text([HEADER, ...seven], ['\r\n', ...seven.map(() => '\n')]));
    expect(summary).toMatchObject({ rows: 7, ready: 7, rejected: 0 });
    expect(ready.map((r) => r.email)).toEqual(seven.map((_, i) => `u${i}@example.com`));
  });

  it('an LF file with one CRLF line', async () => {
    const { summary, ready } = await validate(text([HEADER, ...rows], ['\n', '\n', '\r\n', '\n', '\n', '']));
    expect(summary).toMatchObject({ rows: 5, ready: 4, rejected: 1 });
    expect(ready.map((r) => r.email)).toEqual(['a@example.com', 'b@example.com', 'c@example.com', 'd@example.com']);
    expect(summary.rejectedRows.map((r) => [r.rowId, r.line])).toEqual([[3, 4]]);
  });

  it('lone CRs (classic Mac) and blank lines of every kind, with exact physical lines', async () => {
    const { summary } = await validate(
      text([HEADER, rows[0] ?? '', '', rows[2] ?? '', '', rows[3] ?? '', 'user,e@,X,'], ['\r', '\r', '\r', '\n', '\r\n', '\n', '\r']),
    );
    expect(summary).toMatchObject({ rows: 4, ready: 2, rejected: 2 });
    expect(summary.rejectedRows.map((r) => [r.rowId, r.line])).toEqual([
      [2, 4],
      [4, 8],
    ]);
  });

  it('counts rows in = rows out on a large file mixing all three', async () => {
    const breaks = ['\r\n', '\n', '\r'];
    const lines = Array.from({ length: 3000 }, (_, i) => (i % 7 === 0 ? `user,bad${i}@,X,` : `user,u${i}@example.com,X,`));
    const { summary } = await validate(text([HEADER, ...lines], ['\r\n', ...lines.map((_, i) => breaks[i % 3] ?? '\n')]));
    expect(summary).toMatchObject({ rows: 3000, ready: 3000 - Math.ceil(3000 / 7), rejected: Math.ceil(3000 / 7) });
    expect(summary.rejectedRows.slice(0, 3).map((r) => [r.rowId, r.line])).toEqual([
      [1, 2],
      [8, 9],
      [15, 16],
    ]);
  });
});
