import type { ExecRow, PlannedRow, PlanRowAction } from '@wbp/executor-core';
import { formatCsvLine, neutraliseCell } from '@wbp/files';
import { mdCode, mdText } from '../github.js';

/** plan.csv's columns (the first seven are the interface; `line` and `message` help a reader). */
export const PLAN_COLUMNS = ['row_id', 'entity_type', 'entity_key', 'action', 'expected_status', 'reason_code', 'detail', 'line'] as const;

export type ExpectedStatus = 'success' | 'pending' | 'rejected';

/** One line of plan.csv: a ready row as the plan decided it, or a row validation rejected. */
export interface PlanLine {
  rowId: number;
  entityType: string;
  entityKey: string;
  action: PlanRowAction;
  expectedStatus: ExpectedStatus;
  reasonCode: string;
  detail: string;
  /** Physical line in the CSV (header = line 1), when known. */
  line?: number | undefined;
}

export interface PlanLicence {
  id: string;
  name: string;
  subscriptionId?: string | undefined;
  /** Free units before the plan. */
  freeUnits: number;
  /** Units the planned licence assignments take from this entry. */
  unitsNeeded: number;
}

export interface PlanDocument {
  csv: string;
  csvSha256: string;
  environment: string;
  createdAt: string;
  rows: number;
  counts: { byAction: Record<string, number>; byExpectedStatus: Record<string, number>; byReason: Record<string, number> };
  licences: PlanLicence[];
  /** Rows that would end pending for want of a licence unit (on top of `unitsNeeded`). */
  licenceUnitsShort: number;
  /** Rows whose action changes the org. */
  changes: number;
  /** Rows that would end pending or are rejected: what to fix first. */
  conflicts: {
    rowId: number;
    line?: number | undefined;
    entityType: string;
    entityKey: string;
    expectedStatus: ExpectedStatus;
    reasonCode: string;
    detail: string;
  }[];
  /** Requests the plan sent (every one a read). */
  requests: number;
  /**
   * Rows the plan could not decide because a read failed (the token, permissions, Webex errors after
   * retries): the plan sends no mutation, so these codes can only come from its own reads. A plan
   * with any is not complete.
   */
  readFailures: number;
  /** What the CSV asks that the run will not do as written (a user row's caller ID that the assignment row's replaces). */
  warnings: string[];
}

/**
 * Pure: people whose user row asks one caller ID (`calling_settings_caller_id`) and whose
 * extension_assignment row another (`caller_id_selected`). The assignment row's is the final one
 * (phase 3, once the line exists) and the user row's is not applied; the plan says so, since the
 * CSV's author may have meant the other.
 */
export function supersededCallerIds(rows: Iterable<ExecRow>): string[] {
  const asked = new Map<string, { user?: { rowId: number; value: string }; assignment?: { rowId: number; value: string } }>();
  for (const r of rows) {
    const email = r.fields.email;
    if (!email) continue;
    const entry = asked.get(email) ?? {};
    if (r.entityType === 'user' && r.fields.calling_settings_caller_id)
      entry.user = { rowId: r.rowId, value: r.fields.calling_settings_caller_id };
    else if (r.entityType === 'extension_assignment' && r.fields.caller_id_selected)
      entry.assignment = { rowId: r.rowId, value: r.fields.caller_id_selected };
    else continue;
    asked.set(email, entry);
  }
  const out: string[] = [];
  for (const [email, { user, assignment }] of asked) {
    if (!user || !assignment || user.value === assignment.value) continue;
    out.push(
      `${email}: the user row ${user.rowId} asks caller ID ${user.value}, the extension_assignment row ${assignment.rowId} ${assignment.value}; the assignment row's is the final setting, the user row's is not applied`,
    );
  }
  return out;
}

export function fromPlanned(p: PlannedRow): PlanLine {
  return {
    rowId: p.row.rowId,
    entityType: p.row.entityType,
    entityKey: p.row.entityKey,
    action: p.action,
    expectedStatus: p.expectedStatus,
    reasonCode: p.reasonCode,
    detail: p.detail,
  };
}

const NO_UNITS = /no .* licence units left/;

/** Pending codes a plan can only get from a failed read of its own (it sends nothing else; half_applied it predicts, as the run would give it). */
export const READ_FAILURE_CODES: ReadonlySet<string> = new Set([
  'auth_invalid',
  'permission_denied',
  'retry_exhausted',
  'invalid_response_schema',
  'non_retryable_external',
  'unhandled_exception',
]);

/** Pure: the plan document from its lines (sorted by row id) and the licence pool before and after. */
export function planDocument(
  lines: readonly PlanLine[],
  meta: { csv: string; csvSha256: string; environment: string; createdAt: string; requests: number; warnings?: string[] },
  licences: { id: string; name: string; subscriptionId?: string | undefined; freeBefore: number; freeAfter: number }[],
  conflictLimit = 1000,
): PlanDocument {
  const byAction: Record<string, number> = {};
  const byExpectedStatus: Record<string, number> = { success: 0, pending: 0, rejected: 0 };
  const byReason: Record<string, number> = {};
  for (const l of lines) {
    byAction[l.action] = (byAction[l.action] ?? 0) + 1;
    byExpectedStatus[l.expectedStatus] = (byExpectedStatus[l.expectedStatus] ?? 0) + 1;
    if (l.reasonCode) byReason[l.reasonCode] = (byReason[l.reasonCode] ?? 0) + 1;
  }
  const conflicts = lines
    .filter((l) => l.expectedStatus !== 'success')
    .slice(0, conflictLimit)
    .map((l) => ({
      rowId: l.rowId,
      line: l.line,
      entityType: l.entityType,
      entityKey: l.entityKey,
      expectedStatus: l.expectedStatus,
      reasonCode: l.reasonCode,
      detail: l.detail,
    }));
  return {
    ...meta,
    warnings: meta.warnings ?? [],
    readFailures: lines.filter((l) => l.expectedStatus === 'pending' && READ_FAILURE_CODES.has(l.reasonCode)).length,
    rows: lines.length,
    counts: { byAction, byExpectedStatus, byReason },
    licences: licences.map((l) => ({
      id: l.id,
      name: l.name,
      subscriptionId: l.subscriptionId,
      freeUnits: l.freeBefore,
      unitsNeeded: l.freeBefore - l.freeAfter,
    })),
    licenceUnitsShort: lines.filter((l) => l.expectedStatus === 'pending' && NO_UNITS.test(l.detail)).length,
    changes: lines.filter((l) => l.expectedStatus === 'success' && l.action !== 'no_change').length,
    conflicts,
  };
}

/** plan.csv: header and one injection-safe line per row, in row order. */
export function planCsv(lines: readonly PlanLine[], redact: (text: string) => string = (t) => t): string {
  const cell = (v: string | number | undefined) => neutraliseCell(v === undefined ? '' : String(v));
  // Scrubbed as one text (a replacement holds no quote, comma or line break, so the CSV stays intact).
  return redact(
    formatCsvLine([...PLAN_COLUMNS]) +
      lines
        .map((l) =>
          formatCsvLine([l.rowId, l.entityType, l.entityKey, l.action, l.expectedStatus, l.reasonCode, l.detail, l.line].map(cell)),
        )
        .join(''),
  );
}

const SUMMARY_LIST = 50;

/** plan.md (and the GitHub job summary): counts, licences, changes at a glance, conflicts. */
export function planMarkdown(doc: PlanDocument, lines: readonly PlanLine[]): string {
  const out = [
    `## wbp plan: ${mdCode(doc.csv)} → ${mdCode(doc.environment)}`,
    '',
    `${doc.rows} rows: **${doc.changes} would change the org**, ${doc.counts.byAction.no_change ?? 0} already as the CSV asks, ` +
      `${doc.counts.byExpectedStatus.pending ?? 0} would end pending, ${doc.counts.byExpectedStatus.rejected ?? 0} rejected. ${doc.requests} requests, all reads.`,
    '',
    ...(doc.readFailures > 0
      ? [
          `**Not a complete plan: ${doc.readFailures} row(s) could not be planned because a read failed** (their reason_code says why: the token, permissions or Webex errors). Fix that, then plan again.`,
          '',
        ]
      : []),
    '| action | rows |',
    '| --- | ---: |',
    ...Object.entries(doc.counts.byAction)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([a, n]) => `| ${mdCode(a)} | ${n} |`),
    '',
  ];
  const reasons = Object.entries(doc.counts.byReason).sort(([a], [b]) => a.localeCompare(b));
  if (reasons.length > 0) {
    const stateOf = (code: string) => lines.find((l) => l.reasonCode === code)?.expectedStatus ?? '';
    out.push(
      '| expected | reason_code | rows |',
      '| --- | --- | ---: |',
      ...reasons.map(([code, n]) => `| ${stateOf(code)} | ${mdCode(code)} | ${n} |`),
      '',
    );
  }
  if (doc.licences.length > 0) {
    out.push('| licence entry | subscription | free units | units needed |', '| --- | --- | ---: | ---: |');
    for (const l of doc.licences)
      out.push(`| ${mdText(l.name)} ${mdCode(l.id)} | ${mdText(l.subscriptionId ?? '')} | ${l.freeUnits} | ${l.unitsNeeded} |`);
    out.push('');
  }
  if (doc.licenceUnitsShort > 0)
    out.push(`**${doc.licenceUnitsShort} more licence unit(s) needed**: that many rows would end pending for want of one.`, '');
  const afterApply = lines.filter((l) => l.detail.includes('known after apply')).length;
  if (afterApply > 0)
    out.push(
      `${afterApply} row(s) say *known after apply*: they depend on a location this plan would create, whose number inventory and held extensions cannot be read before it exists.`,
      '',
    );
  if (doc.warnings.length > 0) {
    out.push(
      '**Not applied as written** (check these are what you meant):',
      '',
      ...doc.warnings.slice(0, SUMMARY_LIST).map((w) => `- ${mdText(w)}`),
      '',
    );
    if (doc.warnings.length > SUMMARY_LIST) out.push(`… and ${doc.warnings.length - SUMMARY_LIST} more in plan.json.`, '');
  }
  const conflicts = lines.filter((l) => l.expectedStatus !== 'success');
  if (conflicts.length > 0) {
    out.push(
      '**Rows that would not succeed** (fix these first):',
      '',
      '| row | line | entity | key | expected | reason | detail |',
      '| ---: | ---: | --- | --- | --- | --- | --- |',
    );
    for (const l of conflicts.slice(0, SUMMARY_LIST)) {
      out.push(
        `| ${l.rowId} | ${l.line ?? ''} | ${mdText(l.entityType)} | ${mdText(l.entityKey)} | ${l.expectedStatus} | ${mdCode(l.reasonCode)} | ${mdText(l.detail)} |`,
      );
    }
    if (conflicts.length > SUMMARY_LIST) out.push('', `… and ${conflicts.length - SUMMARY_LIST} more in plan.csv.`);
    out.push('');
  }
  out.push(
    `CSV sha256 \`${doc.csvSha256}\` · created ${doc.createdAt}. Apply exactly this CSV with \`wbp run <csv> --plan plan.json\`.`,
    '',
  );
  return out.join('\n');
}
