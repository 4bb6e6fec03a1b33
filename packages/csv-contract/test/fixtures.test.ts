import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PRE_API_REASON_CODES, RULES, validateCsvFile } from '@wbp/csv-contract';
import { FIXTURES, rejectedRows, tempDir } from './helpers.js';

describe('fixture: valid-site.csv (every normalisation rule)', () => {
  it('loads every row and writes exactly the expected ready_to_load.csv', async () => {
    const out = await tempDir();
    const summary = await validateCsvFile(join(FIXTURES, 'valid-site.csv'), out);
    expect(summary).toMatchObject({ rows: 9, ready: 9, rejected: 0, ignoredColumns: ['notes'] });
    expect(await readFile(summary.readyPath, 'utf8')).toBe(await readFile(join(FIXTURES, 'valid-site.ready.csv'), 'utf8'));
    expect(await readFile(summary.rejectedPath, 'utf8')).toBe(
      'timestamp,row_id,entity_type,entity_key,reason_code,reason_message,raw_row_minified\n',
    );
  });
});

describe('fixture: every-rejection.csv (one row per rule; row_ref names it)', () => {
  it('rejects each row with the rule in its row_ref and that rule’s reason code', async () => {
    const out = await tempDir();
    const summary = await validateCsvFile(join(FIXTURES, 'every-rejection.csv'), out, { now: () => new Date('2026-02-05T10:00:00Z') });
    const rejected = await rejectedRows(summary.rejectedPath);
    expect(summary.rows).toBe(35);
    expect(summary.ready).toBe(3);
    expect(rejected).toHaveLength(summary.rejected);

    const seenRules = new Set<string>();
    summary.rejectedRows.forEach((info, i) => {
      const row = rejected[i];
      const rowRef = (JSON.parse(row?.raw_row_minified ?? '{}') as { row_ref?: string }).row_ref;
      expect(info.rule, `line ${info.line}`).toBe(rowRef);
      expect(info.reasonCode).toBe(RULES[info.rule]);
      expect(row?.reason_code).toBe(info.reasonCode);
      expect(row?.row_id).toBe(String(info.rowId));
      expect(info.message).toContain(`[${info.rule}]`);
      seenRules.add(info.rule);
    });
    expect([...seenRules].sort()).toEqual(Object.keys(RULES).sort());
    expect(new Set(summary.rejectedRows.map((r) => r.reasonCode))).toEqual(new Set(PRE_API_REASON_CODES));
    expect(summary.byReason).toEqual({ invalid_input_schema: 25, duplicate_key: 6, out_of_scope: 1 });

    // rejected_rows.csv carries row id, type, key, code, message and the raw row
    const duplicate = rejected.find((r) => r.reason_code === 'duplicate_key' && r.entity_type === 'user');
    expect(duplicate).toEqual({
      timestamp: '2026-02-05T10:00:00.000Z',
      row_id: '26',
      entity_type: 'user',
      entity_key: 'first@example.com',
      reason_code: 'duplicate_key',
      reason_message: 'email: user first@example.com is already used by row 2 (line 3); the first occurrence is kept [duplicate_email]',
      raw_row_minified: '{"entity_type":"user","location_key":"ES-MAD-01","row_ref":"duplicate_email","email":"FIRST@example.com"}',
    });
  });
});
