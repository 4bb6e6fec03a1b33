import { MAX_LOCATION_GROUPS } from './pending-causes.js';
import { elapsedLine, type RunSummary } from './summary.js';

type Cell = string | number;

/** Text from the CSV or the API, made safe for a terminal: a control character (an escape sequence's ESC, a CR) shows as `?`. */
function plain(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

/**
 * An aligned plain-text table, two spaces of indent: each column as wide as its widest cell,
 * numbers right-aligned, text left-aligned; trailing spaces trimmed.
 */
export function textTable(header: readonly string[], rows: readonly (readonly Cell[])[]): string[] {
  const all = [header, ...rows].map((r) => r.map((cell) => (typeof cell === 'number' ? cell : plain(cell))));
  const widths = header.map((_, i) => Math.max(...all.map((r) => String(r[i] ?? '').length)));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number'));
  return all.map((r) =>
    `  ${r.map((cell, i) => (numeric[i] ? String(cell).padStart(widths[i]!) : String(cell).padEnd(widths[i]!))).join('  ')}`.trimEnd(),
  );
}

/**
 * The end-of-run summary for the terminal and the step log: what summary.md says, as aligned
 * plain-text tables (summary.md and the job summary keep the Markdown), with the pending rows
 * counted by cause rather than listed (pending_rows.csv and summary.md list them).
 */
export function summaryText(s: RunSummary, outArg: string): string {
  const lines = [
    plain(`wbp run — ${s.csv} (${s.environment}, attempt ${s.attempt})`),
    plain(`${s.outcome} (exit status ${s.exitStatus})${s.detail ? ` — ${s.detail}` : ''}`),
    '',
    ...textTable(
      ['state', 'rows'],
      [
        ['success', s.rows.success],
        ['pending', s.rows.pending],
        ['rejected', s.rows.rejected],
        ...(s.rows.notYetProcessed > 0 ? [['not yet processed', s.rows.notYetProcessed] as const] : []),
        ['total', s.rows.total],
      ],
    ),
  ];
  const reasons = [
    ...Object.entries(s.pendingByReason).map(([code, n]) => ['pending', code, n] as const),
    ...Object.entries(s.rejectedByReason)
      .filter(([, n]) => n > 0)
      .map(([code, n]) => ['rejected', code, n] as const),
  ];
  if (reasons.length > 0) lines.push('', ...textTable(['state', 'reason_code', 'rows'], reasons));
  const types = Object.entries(s.effects);
  if (types.length > 0)
    lines.push(
      '',
      ...textTable(
        ['success rows', 'created', 'changed', 'already right'],
        types.map(([type, e]) => [type, e.created, e.changed, e.unchanged]),
      ),
    );
  const causes = [
    ...s.pendingCauses.byLocation
      .slice(0, MAX_LOCATION_GROUPS)
      .map((c) => [`location ${c.locationKey} (row ${c.locationRowId}) ${c.state}: ${c.reasonCode}`, c.count] as const),
    ...s.pendingCauses.byReason.map((g) => [g.reasonCode, g.count] as const),
  ];
  if (causes.length > 0) lines.push('', ...textTable(['pending rows wait for', 'rows'], causes));
  lines.push('', ...elapsedLine(s));
  if (s.resumable) lines.push(`To continue, run the same CSV with --out ${outArg} (its checkpoint.json is kept).`);
  else if (s.rows.pending > 0)
    lines.push(
      `Fix what ${outArg}/pending_rows.csv says, then run the same CSV with --out ${outArg}: only the pending rows are tried again.`,
    );
  lines.push(`Details: ${outArg}/summary.md`, '');
  return lines.join('\n');
}
