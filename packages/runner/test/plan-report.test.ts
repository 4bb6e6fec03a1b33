import { describe, expect, it } from 'vitest';
import { supersededCallerIds, planCsv, planDocument, planMarkdown, type PlanLine } from '../src/run/plan-report.js';
import { readyFields } from '../../../test-support/ready-fields.js';

const lines: PlanLine[] = [
  {
    rowId: 1,
    entityType: 'location',
    entityKey: 'ES-MAD',
    action: 'create',
    expectedStatus: 'success',
    reasonCode: '',
    detail: 'location: (none) → "Madrid"',
  },
  {
    rowId: 2,
    entityType: 'user',
    entityKey: 'a@x.com',
    action: 'assign_licence',
    expectedStatus: 'success',
    reasonCode: '',
    detail: 'calling: none → Pro',
  },
  {
    rowId: 3,
    entityType: 'user',
    entityKey: 'b@x.com',
    action: 'no_change',
    expectedStatus: 'success',
    reasonCode: '',
    detail: 'Calling already enabled',
  },
  {
    rowId: 4,
    entityType: 'user',
    entityKey: 'c@x.com',
    action: 'none',
    expectedStatus: 'pending',
    reasonCode: 'precondition_missing',
    detail: "no Webex Calling - Professional licence units left in any of the org's 1 licence entries",
    line: 5,
  },
  {
    rowId: 5,
    entityType: 'user',
    entityKey: '=cmd()',
    action: 'none',
    expectedStatus: 'rejected',
    reasonCode: 'invalid_email',
    detail: 'secret-token-123 is not an e-mail, "quoted", ok',
    line: 6,
  },
];
const meta = { csv: 'site.csv', csvSha256: 'abc', environment: 'lab', createdAt: '2026-12-07T00:00:00.000Z', requests: 9 };

describe('plan writers', () => {
  it('plan.json counts by action, expected status and reason; licences needed against free; changes', () => {
    const doc = planDocument(lines, meta, [{ id: 'LIC', name: 'Webex Calling - Professional', freeBefore: 1, freeAfter: 0 }]);
    expect(doc.counts).toEqual({
      byAction: { create: 1, assign_licence: 1, no_change: 1, none: 2 },
      byExpectedStatus: { success: 3, pending: 1, rejected: 1 },
      byReason: { precondition_missing: 1, invalid_email: 1 },
    });
    expect(doc.changes).toBe(2);
    expect(doc.licences).toEqual([
      { id: 'LIC', name: 'Webex Calling - Professional', subscriptionId: undefined, freeUnits: 1, unitsNeeded: 1 },
    ]);
    expect(doc.licenceUnitsShort).toBe(1);
    expect(doc.conflicts.map((c) => c.rowId)).toEqual([4, 5]);
    expect(doc.readFailures).toBe(0);
    const failed = planDocument(
      [
        ...lines,
        {
          rowId: 6,
          entityType: 'user',
          entityKey: 'd@x.com',
          action: 'none',
          expectedStatus: 'pending',
          reasonCode: 'auth_invalid',
          detail: '401',
        },
      ],
      meta,
      [],
    );
    expect(failed.readFailures).toBe(1);
    expect(planMarkdown(failed, lines)).toContain('**Not a complete plan: 1 row(s) could not be planned because a read failed**');
    expect(doc).toMatchObject({ csv: 'site.csv', csvSha256: 'abc', environment: 'lab', requests: 9 });
  });

  it('plan.csv: the interface columns first, quoted, formula-neutralised and scrubbed', () => {
    const text = planCsv(lines, (t) => t.replaceAll('secret-token-123', '[REDACTED]'));
    const rows = text.trimEnd().split('\n');
    expect(rows[0]).toBe('row_id,entity_type,entity_key,action,expected_status,reason_code,detail,line');
    expect(rows[4]).toBe(
      `4,user,c@x.com,none,pending,precondition_missing,no Webex Calling - Professional licence units left in any of the org's 1 licence entries,5`,
    );
    expect(rows[5]).toBe(`5,user,'=cmd(),none,rejected,invalid_email,"[REDACTED] is not an e-mail, ""quoted"", ok",6`);
    expect(text).not.toContain('secret-token-123');
  });

  it('plan.md: the counts, the licence table, the shortfall and the rows that would not succeed', () => {
    const doc = planDocument(lines, meta, [{ id: 'LIC', name: 'Webex Calling - Professional', freeBefore: 1, freeAfter: 0 }]);
    const md = planMarkdown(doc, lines);
    expect(md).toContain('**2 would change the org**');
    expect(md).toContain('| `assign_licence` | 1 |');
    expect(md).toContain('| pending | `precondition_missing` | 1 |');
    expect(md).toMatch(/\| Webex Calling - Professional `LIC` \|\s*\| 1 \| 1 \|/);
    expect(md).toContain('**1 more licence unit(s) needed**');
    expect(md).toMatch(/\| 4 \| 5 \| user \| c@x\.com \| pending \|/);
  });

  it('supersededCallerIds: a user row whose caller ID the assignment row replaces', () => {
    const row = (
      rowId: number,
      entityType: 'user' | 'extension_assignment',
      email: string,
      column: 'calling_settings_caller_id' | 'caller_id_selected',
      value: string,
    ) => ({
      rowId,
      entityType,
      entityKey: email,
      fields: readyFields({ email, [column]: value }),
    });
    expect(
      supersededCallerIds([
        row(2, 'user', 'a@x.com', 'calling_settings_caller_id', 'DIRECT_LINE'),
        row(3, 'user', 'b@x.com', 'calling_settings_caller_id', 'DIRECT_LINE'),
        row(7, 'extension_assignment', 'a@x.com', 'caller_id_selected', 'LOCATION_NUMBER'),
        row(8, 'extension_assignment', 'b@x.com', 'caller_id_selected', 'DIRECT_LINE'),
      ]),
    ).toEqual([
      "a@x.com: the user row 2 asks caller ID DIRECT_LINE, the extension_assignment row 7 LOCATION_NUMBER; the assignment row's is the final setting, the user row's is not applied",
    ]);
    const doc = planDocument(lines, { ...meta, warnings: ['w1'] }, []);
    expect(doc.warnings).toEqual(['w1']);
    expect(planMarkdown(doc, lines)).toContain('**Not applied as written** (check these are what you meant):\n\n- w1');
  });
});
