import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { OutputCorruptError, RESULTS_COLUMNS, openCsvAppender, readCsvRecords, type ResultsRecord } from '@wbp/files';
import { tempDir } from '../../../test-support/temp-dir.js';

let dir: string;
beforeEach(() => {
  dir = tempDir('wbp-writers-');
});

const line = (rowId: number, message = 'created') =>
  `2026-02-05T10:00:00.000Z,b1,${rowId},1,location,Madrid HQ,create_location,success,201,${message},loc-${rowId},created,1\n`;
const header = `${RESULTS_COLUMNS.join(',')}\n`;
const record = (rowId: number): ResultsRecord => ({
  timestamp: '2026-02-05T10:00:00.000Z',
  batch_id: 'b2',
  row_id: rowId,
  phase: 1,
  entity_type: 'location',
  entity_key: 'Sevilla',
  step: 'create_location',
  status: 'success',
  http_status: 201,
  message: 'created',
  remote_id: `loc-${rowId}`,
  effect: 'created',
  attempt: 1,
});

/** Opens `content` as results.csv for appending: the error, or 'opened' after appending a record. */
async function openOn(content: string | Buffer): Promise<unknown> {
  const path = join(dir, 'results.csv');
  writeFileSync(path, content);
  return openCsvAppender(path, RESULTS_COLUMNS).then(
    async (a) => {
      await a.append(record(9));
      await a.close();
      return 'opened';
    },
    (err: unknown) => err,
  );
}

describe('output files re-saved by another program are refused at open, before anything is appended', () => {
  it.each([
    [
      'Excel-saved CRLF line endings',
      (header + line(1) + line(2)).replaceAll('\n', '\r\n'),
      1,
      'line_endings',
      /Windows \(CRLF\) line endings/,
    ],
    ['CRLF on a later line only', header + line(1) + line(2).replace('\n', '\r\n'), 3, 'line_endings', /CRLF/],
    [
      'a byte-order mark and CRLFs (Excel "CSV UTF-8")',
      `\uFEFF${header}${line(1)}`.replaceAll('\n', '\r\n'),
      1,
      'line_endings',
      /byte-order mark.*CRLF/,
    ],
    ['a byte-order mark', `\uFEFF${header}${line(1)}`, 1, 'reformatted', /byte-order mark/],
    [
      'cells quoted that wbp leaves bare',
      header + line(1) + line(2).replace('created', '"created"'),
      3,
      'reformatted',
      /not byte for byte what wbp wrote/,
    ],
  ])('%s', async (_label, content, lineNo, kind, message) => {
    const err = await openOn(content);
    expect(err).toBeInstanceOf(OutputCorruptError);
    expect(err).toMatchObject({ line: lineNo, kind });
    expect((err as Error).message).toMatch(message);
    expect(readFileSync(join(dir, 'results.csv'), 'utf8')).toBe(content); // nothing appended
  });

  it("csv-parse's INVALID_OPENING_QUOTE is a corrupt output, not an internal error", async () => {
    const err = await openOn(header + line(1) + line(2, 'said "hi"'));
    expect(err).toBeInstanceOf(OutputCorruptError);
    expect(err).toMatchObject({ kind: 'malformed_csv', line: 3 });
    expect((err as Error).message).toContain('INVALID_OPENING_QUOTE');
  });

  it('what wbp itself writes (quotes, commas, newlines, CRs inside cells) still reads and reopens', async () => {
    const path = join(dir, 'results.csv');
    const a = await openCsvAppender(path, RESULTS_COLUMNS);
    await a.append({ ...record(1), message: 'a "quoted", multi\r\nline\rmessage\r' });
    await a.close();
    const b = await openCsvAppender(path, RESULTS_COLUMNS);
    expect(b.records).toBe(1);
    await b.close();
    const rows = [];
    for await (const r of readCsvRecords(path, RESULTS_COLUMNS)) rows.push(r);
    expect(rows[0]?.message).toBe('a "quoted", multi\r\nline\rmessage\r');
  });
});

describe('a symlink planted in the output folder cannot redirect writes', () => {
  it.each([
    ['to an existing file', true],
    ['dangling (the target does not exist yet)', false],
  ])('%s', async (_label, targetExists) => {
    const elsewhere = join(tempDir('wbp-elsewhere-'), 'victim.csv');
    if (targetExists) writeFileSync(elsewhere, header);
    const path = join(dir, 'results.csv');
    symlinkSync(elsewhere, path);
    const err: unknown = await openCsvAppender(path, RESULTS_COLUMNS).then(
      () => 'opened',
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OutputCorruptError);
    expect(err).toMatchObject({ kind: 'not_a_regular_file', line: undefined });
    expect((err as Error).message).toContain('symbolic link');
    if (targetExists) expect(readFileSync(elsewhere, 'utf8')).toBe(header);
    else expect(existsSync(elsewhere)).toBe(false);
  });
});
