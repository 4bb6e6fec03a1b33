import { describe, expect, it } from 'vitest';
import { groupPendingByCause, rawCells, type FailedLocationRow, type PendingRowInput } from '../src/run/pending-causes.js';

const row = (
  rowId: number,
  locationKey: string | undefined,
  reasonCode = 'precondition_missing',
  entityType = 'user',
): PendingRowInput => ({
  rowId,
  entityType,
  entityKey: `r${rowId}`,
  reasonCode,
  message: `m${rowId}`,
  locationKey,
});
const failed = (
  rowId: number,
  raw: Record<string, string>,
  reasonCode = 'invalid_input_schema',
  state: FailedLocationRow['state'] = 'rejected',
): FailedLocationRow => ({ rowId, state, reasonCode, message: 'why', raw });

describe('groupPendingByCause', () => {
  it('puts a row under the failed location row its location_key names (by key or name, any case), the rest under their reason', () => {
    const c = groupPendingByCause(
      [row(10, 'es-sev-01'), row(11, 'Sevilla Centro'), row(12, 'ES-MAD-01', 'user_not_found'), row(13, undefined, 'user_not_found')],
      [failed(2, { entity_key: 'ES-SEV-01', location_external_id: 'ES-SEV-01', location_name: 'Sevilla Centro' })],
      new Set(),
    );
    expect(c.byLocation.map((l) => [l.locationRowId, l.locationKey, l.count, l.rows.map((r) => r.rowId)])).toEqual([
      [2, 'ES-SEV-01', 2, [10, 11]],
    ]);
    expect(c.byReason.map((g) => [g.reasonCode, g.count])).toEqual([['user_not_found', 2]]);
  });

  it('a location that a successful row provides, a rejected duplicate, and a location row itself are no cause', () => {
    const c = groupPendingByCause(
      [row(10, 'ES-MAD-01'), row(11, 'Madrid HQ'), row(1, undefined, 'non_retryable_external', 'location')],
      [
        failed(3, { entity_key: 'ES-MAD-01', location_name: 'Madrid HQ' }, 'duplicate_key'),
        failed(4, { location_name: 'madrid hq' }),
        failed(1, { location_name: 'Bilbao' }, 'non_retryable_external', 'pending'),
      ],
      new Set(['madrid hq']),
    );
    expect(c.byLocation).toEqual([]);
    expect(c.byReason.map((g) => [g.reasonCode, g.count])).toEqual([
      ['precondition_missing', 2],
      ['non_retryable_external', 1],
    ]);
  });

  it('lists at most listPerGroup rows per group but counts them all', () => {
    const c = groupPendingByCause(
      Array.from({ length: 7 }, (_, i) => row(10 + i, 'X')),
      [failed(1, { location_name: 'X' })],
      new Set(),
      3,
    );
    expect(c.byLocation[0]).toMatchObject({ count: 7, rows: [{ rowId: 10 }, { rowId: 11 }, { rowId: 12 }] });
  });

  it('rawCells reads raw_row_minified and tolerates anything else', () => {
    expect(rawCells('{"location_key":"ES-MAD-01","n":1}')).toEqual({ location_key: 'ES-MAD-01' });
    expect(rawCells('not json')).toEqual({});
    expect(rawCells('[1]')).toEqual({});
  });
});
