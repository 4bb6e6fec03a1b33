import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  OutputCorruptError,
  PENDING_COLUMNS,
  REJECTED_COLUMNS,
  RESULTS_COLUMNS,
  openCsvAppender,
  readCsvRecords,
  type RejectedRecord,
} from '@wbp/files';
import { tempDir } from '../../../test-support/temp-dir.js';

let dir: string;
beforeEach(() => {
  dir = tempDir('wbp-writers-');
});

const rejected = (row_id: number, extra: Partial<RejectedRecord> = {}): RejectedRecord => ({
  timestamp: '2026-02-05T10:00:00.000Z',
  row_id,
  entity_type: 'user',
  entity_key: `u${row_id}@example.com`,
  reason_code: 'invalid_input_schema',
  reason_message: 'email: not an e-mail address',
  raw_row_minified: '{"entity_type":"user"}',
  ...extra,
});

async function collect<C extends string>(path: string, columns: readonly C[]): Promise<Array<Record<C, string>>> {
  const out: Array<Record<C, string>> = [];
  for await (const r of readCsvRecords(path, columns)) out.push(r);
  return out;
}

describe('openCsvAppender', () => {
  it('writes the exact header once for each of the three outputs', async () => {
    for (const [name, columns] of [
      ['rejected_rows.csv', REJECTED_COLUMNS],
      ['results.csv', RESULTS_COLUMNS],
      ['pending_rows.csv', PENDING_COLUMNS],
    ] as const) {
      const path = join(dir, name);
      (await openCsvAppender(path, columns)).close();
      const again = await openCsvAppender(path, columns);
      await again.close();
      expect(await readFile(path, 'utf8')).toBe(`${columns.join(',')}\n`);
    }
  });

  it('appends after existing records on reopen and counts them', async () => {
    const path = join(dir, 'rejected_rows.csv');
    const a = await openCsvAppender(path, REJECTED_COLUMNS);
    await a.append(rejected(1));
    await a.append(rejected(2));
    await a.close();
    const b = await openCsvAppender(path, REJECTED_COLUMNS);
    expect(b.records).toBe(2);
    await b.append(rejected(3));
    expect(b.records).toBe(3);
    await b.close();
    expect((await collect(path, REJECTED_COLUMNS)).map((r) => r.row_id)).toEqual(['1', '2', '3']);
  });

  it('writes a header into an existing empty file', async () => {
    const path = join(dir, 'results.csv');
    await writeFile(path, '');
    const a = await openCsvAppender(path, RESULTS_COLUMNS);
    await a.close();
    expect(await readFile(path, 'utf8')).toBe(`${RESULTS_COLUMNS.join(',')}\n`);
  });

  it('never interleaves concurrent appends and keeps call order', async () => {
    const path = join(dir, 'rejected_rows.csv');
    const a = await openCsvAppender(path, REJECTED_COLUMNS);
    const long = 'y'.repeat(20_000); // several pages per record
    await Promise.all(Array.from({ length: 500 }, (_, i) => a.append(rejected(i + 1, { reason_message: `${i}:${long}` }))));
    await a.close();
    const rows = await collect(path, REJECTED_COLUMNS);
    expect(rows).toHaveLength(500);
    rows.forEach((r, i) => {
      expect(r.row_id).toBe(String(i + 1));
      expect(r.reason_message).toBe(`${i}:${long}`);
    });
  });

  it('neutralises formula-like cells, but not numbers or E.164', async () => {
    const path = join(dir, 'rejected_rows.csv');
    const a = await openCsvAppender(path, REJECTED_COLUMNS);
    await a.append(rejected(1, { entity_key: '=cmd|"/C calc"!A0', reason_message: '+34910000001', raw_row_minified: '-5' }));
    await a.append(rejected(2, { entity_key: '@x', reason_message: '\tTAB', raw_row_minified: '-x' }));
    await a.close();
    const [r1, r2] = await collect(path, REJECTED_COLUMNS);
    expect(r1).toMatchObject({ entity_key: `'=cmd|"/C calc"!A0`, reason_message: '+34910000001', raw_row_minified: '-5' });
    expect(r2).toMatchObject({ entity_key: "'@x", reason_message: "'\tTAB", raw_row_minified: "'-x" });
  });

  it('can leave cells as they are when asked', async () => {
    const path = join(dir, 'x.csv');
    const a = await openCsvAppender(path, ['a'] as const, { neutralise: false });
    await a.append({ a: '=1+1' });
    await a.close();
    expect(await readFile(path, 'utf8')).toBe('a\n=1+1\n');
  });

  it('round-trips any text exactly (after neutralisation)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.string(), fc.string({ unit: 'binary' })), { minLength: 1, maxLength: 20 }), async (pairs) => {
        const path = join(dir, `rt-${Math.random()}.csv`);
        const a = await openCsvAppender(path, ['k', 'v'] as const, { neutralise: false });
        for (const [k, v] of pairs) await a.append({ k, v });
        await a.close();
        expect((await collect(path, ['k', 'v'] as const)).map((r) => [r.k, r.v])).toEqual(pairs);
      }),
      { numRuns: 50 },
    );
  });

  it('rejects unknown columns and non-scalar values without poisoning the file', async () => {
    const path = join(dir, 'x.csv');
    const a = await openCsvAppender(path, ['a', 'b'] as const);
    await expect(a.append({ a: '1', b: '2', c: '3' } as never)).rejects.toThrow(/unknown column c/);
    await expect(a.append({ a: Number.NaN, b: '' })).rejects.toThrow(TypeError);
    await a.append({ a: 1, b: null });
    await a.close();
    expect(await readFile(path, 'utf8')).toBe('a,b\n1,\n');
  });

  it('refuses appends after close', async () => {
    const a = await openCsvAppender(join(dir, 'x.csv'), ['a'] as const);
    await a.close();
    await expect(a.append({ a: '1' })).rejects.toThrow(/after close/);
    await a.close(); // idempotent
  });

  it('sync() resolves after the records queued before it', async () => {
    const path = join(dir, 'x.csv');
    const a = await openCsvAppender(path, ['a'] as const);
    void a.append({ a: '1' });
    void a.append({ a: '2' });
    await a.sync();
    expect(await readFile(path, 'utf8')).toBe('a\n1\n2\n');
    await a.close();
  });
});

describe('corruption detection on open', () => {
  const header = `${REJECTED_COLUMNS.join(',')}\n`;
  const good = 't,1,user,k,invalid_input_schema,m,{}\n';

  async function openOn(content: string): Promise<unknown> {
    const path = join(dir, 'rejected_rows.csv');
    await writeFile(path, content);
    return openCsvAppender(path, REJECTED_COLUMNS).then(
      async (a) => {
        await a.close();
        return 'opened';
      },
      (err: unknown) => err,
    );
  }

  it.each([
    ['a wrong header', 'timestamp,row_id\n', 1, 'header_mismatch'],
    [
      'a header in another order',
      `row_id,timestamp,entity_type,entity_key,reason_code,reason_message,raw_row_minified\n${good}`,
      1,
      'header_mismatch',
    ],
    ['a record with too few columns', `${header}${good}t,2,user\n${good}`, 3, 'column_count'],
    ['a record with too many columns', `${header}${good}${good}t,3,user,k,r,m,{},extra\n`, 4, 'column_count'],
    ['a blank line in the middle', `${header}${good}\n${good}`, 3, 'column_count'],
    ['a truncated last record (no newline)', `${header}${good}t,2,user,k,inva`, 3, 'truncated_record'],
    ['a record cut inside a quoted field', `${header}${good}t,2,user,k,r,"line1\n`, 3, 'truncated_record'],
  ])('%s → OutputCorruptError', async (_label, content, line, kind) => {
    const err = await openOn(content);
    expect(err).toBeInstanceOf(OutputCorruptError);
    expect(err).toMatchObject({ line, kind });
    expect((err as Error).message).toContain('rejected_rows.csv');
  });

  it('does not touch a corrupt file', async () => {
    const content = `${header}${good}t,2,user,k,inva`;
    await openOn(content);
    expect(await readFile(join(dir, 'rejected_rows.csv'), 'utf8')).toBe(content);
  });

  it('readCsvRecords applies the same checks', async () => {
    const path = join(dir, 'r.csv');
    await writeFile(path, `${header}${good}`);
    await appendFile(path, 't,2');
    await expect(collect(path, REJECTED_COLUMNS)).rejects.toMatchObject({ kind: 'truncated_record', line: 3 });
  });
});
