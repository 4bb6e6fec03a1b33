import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { latestPerRow, lineAttempt, openCsvAppender, readCsvRecords, RESULTS_COLUMNS, type ResultsRecord } from '@wbp/files';
import { tempDir } from '../../../test-support/temp-dir.js';

const line = (row_id: number, attempt: number, status: 'success' | 'pending', extra: Partial<ResultsRecord> = {}): ResultsRecord => ({
  timestamp: `2026-12-0${attempt}T10:00:00.000Z`,
  batch_id: `phase2-batch-000${attempt}`,
  row_id,
  phase: 2,
  entity_type: 'user',
  entity_key: `u${row_id}@example.com`,
  step: 'user_lookup',
  status,
  http_status: '',
  message: status === 'pending' ? 'user_not_found: not synced yet' : 'ok',
  remote_id: '',
  effect: status === 'success' ? 'unchanged' : '',
  attempt,
  ...extra,
});

describe('latest line per row (results.csv across attempts)', () => {
  it('reads a real multi-attempt file: each row once, by its highest attempt', async () => {
    const dir = tempDir('wbp-latest-');
    const path = join(dir, 'results.csv');
    const results = await openCsvAppender(path, RESULTS_COLUMNS);
    // Attempt 1: rows 1–4, two pending. Attempt 2: both pending rows again, one fixed. Attempt 3: the last one, still pending.
    for (const r of [
      line(1, 1, 'success'),
      line(2, 1, 'pending'),
      line(3, 1, 'pending'),
      line(4, 1, 'success'),
      line(2, 2, 'success'),
      line(3, 2, 'pending'),
      line(3, 3, 'pending', { message: 'user_not_found: still' }),
    ]) {
      await results.append(r);
    }
    await results.close();

    const latest = await latestPerRow(readCsvRecords(path, RESULTS_COLUMNS));
    expect([...latest.keys()].sort()).toEqual([1, 2, 3, 4]);
    expect([...latest.values()].map((r) => [r.row_id, r.status, r.attempt])).toEqual([
      ['1', 'success', '1'],
      ['2', 'success', '2'],
      ['3', 'pending', '3'],
      ['4', 'success', '1'],
    ]);
    expect(latest.get(3)?.message).toBe('user_not_found: still');
    // What counting lines instead would get wrong: 7 lines, 4 pending of them; 4 rows, 1 pending.
    const statuses = [...latest.values()].map((r) => r.status);
    expect(statuses.filter((s) => s === 'pending')).toHaveLength(1);
  });

  it('the highest attempt wins even out of file order; within one attempt the later line', async () => {
    const rec = (row_id: string, attempt: string, message: string) => ({ row_id, attempt, message });
    const latest = await latestPerRow([rec('5', '2', 'second'), rec('5', '1', 'first'), rec('6', '1', 'a'), rec('6', '1', 'b')]);
    expect(latest.get(5)?.message).toBe('second');
    expect(latest.get(6)?.message).toBe('b');
  });

  it('lineAttempt: a positive whole number, else NaN', () => {
    expect(lineAttempt({ attempt: '1' })).toBe(1);
    expect(lineAttempt({ attempt: '12' })).toBe(12);
    for (const bad of ['', '0', '01', '-1', '1.5', 'two']) expect(lineAttempt({ attempt: bad }), bad).toBeNaN();
  });
});
