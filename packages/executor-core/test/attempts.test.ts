import { describe, expect, it } from 'vitest';
import { openCsvAppender, PENDING_COLUMNS, RESULTS_COLUMNS, type PendingRecord, type ResultsRecord } from '@wbp/files';
import { join } from 'node:path';
import { openOutputs, PENDING_FILE, RESULTS_FILE } from '../src/outputs.js';
import { reopenTokenFailures } from '../src/token-retry.js';
import { readPending, readResults } from './outputs-read.js';
import { tmpOut } from './fixtures.js';
import { readyFields } from '../../../test-support/ready-fields.js';

const result = (row_id: number, attempt: number, status: 'success' | 'pending', message: string = status): ResultsRecord => ({
  timestamp: '2026-12-07T08:00:00.000Z',
  batch_id: 'phase2-batch-0001',
  row_id,
  phase: 2,
  entity_type: 'user',
  entity_key: `u${row_id}@example.com`,
  step: 'user_lookup',
  status,
  http_status: '',
  message,
  remote_id: '',
  effect: status === 'success' ? 'unchanged' : '',
  attempt,
});
const pending = (row_id: number, attempt: number, reason_code = 'user_not_found'): PendingRecord => ({
  timestamp: '2026-12-07T08:00:00.000Z',
  batch_id: 'phase2-batch-0001',
  row_id,
  phase: 2,
  entity_type: 'user',
  entity_key: `u${row_id}@example.com`,
  step: 'user_lookup',
  reason_code,
  reason_message: reason_code === 'auth_invalid' ? 'Webex answered 401' : 'not synced yet',
  http_status: reason_code === 'auth_invalid' ? 401 : '',
  raw_row_minified: '{}',
  attempt,
});

/** Writes the two files as the executor would have. */
async function outputsWith(results: ResultsRecord[], pendings: PendingRecord[]): Promise<string> {
  const dir = tmpOut();
  const r = await openCsvAppender(join(dir, RESULTS_FILE), RESULTS_COLUMNS);
  for (const x of results) await r.append(x);
  await r.close();
  const p = await openCsvAppender(join(dir, PENDING_FILE), PENDING_COLUMNS);
  for (const x of pendings) await p.append(x);
  await p.close();
  return dir;
}

describe('openOutputs across attempts', () => {
  // Attempt 1: row 1 success, rows 2 and 3 pending, row 4 pending with its results line lost in a crash.
  const attempt1 = {
    results: [result(1, 1, 'success'), result(2, 1, 'pending'), result(3, 1, 'pending')],
    pending: [pending(2, 1), pending(3, 1), pending(4, 1)],
  };

  it('attempt 1 (resumed): every row with a line of attempt 1 is terminal; a pending line without its results line is completed, with its attempt', async () => {
    const dir = await outputsWith(attempt1.results, attempt1.pending);
    const completed: number[] = [];
    const out = await openOutputs(dir, 1, (rowId) => completed.push(rowId));
    await out.close();
    expect([...out.terminal].sort()).toEqual([1, 2, 3, 4]);
    expect(completed).toEqual([4]);
    expect(out.pendingRows).toBe(3);
    expect((await readResults(dir)).at(-1)).toMatchObject({ row_id: '4', status: 'pending', attempt: '1' });
  });

  it('attempt 2: only success rows of attempt 1 are terminal; lines it writes carry attempt 2; attempt 1 lines stay as they are', async () => {
    const dir = await outputsWith([...attempt1.results, result(4, 1, 'pending')], attempt1.pending);
    const out = await openOutputs(dir, 2, () => undefined);
    expect([...out.terminal]).toEqual([1]);
    expect(out.pendingRows).toBe(3);
    const row = { rowId: 2, entityType: 'user' as const, entityKey: 'u2@example.com', fields: readyFields({ email: 'u2@example.com' }) };
    await out.write(row, 2, 'phase2-batch-0001', { status: 'success', step: 'user_apply_calling_settings', message: 'Calling enabled' });
    await out.close();
    expect(out.terminal.has(2)).toBe(true);
    const lines = await readResults(dir);
    expect(lines.map((r) => [r.row_id, r.status, r.attempt])).toEqual([
      ['1', 'success', '1'],
      ['2', 'pending', '1'],
      ['3', 'pending', '1'],
      ['4', 'pending', '1'],
      ['2', 'success', '2'],
    ]);
  });

  it('attempt 2 resumed after a crash: rows with a line of attempt 2 are terminal, and a crash between the two writes of attempt 2 is completed as attempt 2', async () => {
    const dir = await outputsWith(
      [...attempt1.results, result(4, 1, 'pending'), result(2, 2, 'success')],
      [...attempt1.pending, pending(3, 2)],
    );
    const out = await openOutputs(dir, 2, () => undefined);
    await out.close();
    expect([...out.terminal].sort()).toEqual([1, 2, 3]);
    expect((await readResults(dir)).at(-1)).toMatchObject({ row_id: '3', status: 'pending', attempt: '2' });
    expect(out.pendingRows).toBe(2); // rows 3 (attempt 2) and 4 (attempt 1)
  });
});

describe('"replace the token, then resume" within attempt 2', () => {
  it('reopens only the token failures of the attempt being resumed; earlier attempts keep their lines', async () => {
    const dir = await outputsWith(
      [
        result(1, 1, 'pending', 'auth_invalid: 401'),
        result(2, 1, 'pending', 'auth_invalid: 401'),
        result(1, 2, 'pending', 'auth_invalid: 401'),
      ],
      [pending(1, 1, 'auth_invalid'), pending(2, 1, 'auth_invalid'), pending(1, 2, 'auth_invalid')],
    );
    expect(await reopenTokenFailures(dir, 1, 2)).toEqual([1]);
    expect((await readResults(dir)).map((r) => [r.row_id, r.attempt])).toEqual([
      ['1', '1'],
      ['2', '1'],
    ]);
    expect((await readPending(dir)).map((r) => [r.row_id, r.attempt])).toEqual([
      ['1', '1'],
      ['2', '1'],
    ]);
    // Row 1 is pending again for attempt 2 (its latest line is attempt 1's): it runs again.
    const out = await openOutputs(dir, 2, () => undefined);
    await out.close();
    expect(out.terminal.size).toBe(0);
  });
});
