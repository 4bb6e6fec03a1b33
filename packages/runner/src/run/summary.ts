import { existsSync } from 'node:fs';
import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { foldLocationKey, physicalLinesOf, READY_FILE, ReadyFile } from '@wbp/csv-contract';
import { latestPerRow, PENDING_COLUMNS, readCsvRecords, REJECTED_COLUMNS, RESULTS_COLUMNS } from '@wbp/files';
import { mdCode, mdText } from '../github.js';
import { EXIT_MEANING, RESUMABLE } from './exit-status.js';
import {
  groupPendingByCause,
  MAX_LOCATION_GROUPS,
  rawCells,
  type FailedLocationRow,
  type PendingCauses,
  type PendingRowInput,
  type PendingRowRef,
} from './pending-causes.js';
import { throughputMermaid, throughputSeries } from './throughput-chart.js';

export type EffectCounts = Record<'created' | 'changed' | 'unchanged', number>;

export interface RunSummary {
  csv: string;
  csvSha256: string;
  environment: string;
  /** The attempt this invocation ran (1, then 2, 3 … for each re-run of the pending rows). */
  attempt: number;
  exitStatus: number;
  outcome: string;
  rows: { total: number; success: number; pending: number; rejected: number; notYetProcessed: number };
  pendingByReason: Record<string, number>;
  rejectedByReason: Record<string, number>;
  topFailingSteps: { step: string; count: number }[];
  /** Success rows by entity type and what they did: made the entity, changed it, or found it already right. */
  effects: Record<string, EffectCounts>;
  /** Pending rows by root cause (a failed location row) and by reason, each with its first rows. */
  pendingCauses: PendingCauses;
  /** This invocation: wall time, rows it finished, and their rate. */
  elapsed: { seconds: number; rowsFinished: number; rowsPerSecond: number };
  resumable: boolean;
  detail?: string | undefined;
  throughput: { bucketSeconds: number; rowsPerSecond: number[] };
}

async function* records<C extends string>(file: string, columns: readonly C[]) {
  if (existsSync(file)) yield* readCsvRecords(file, columns);
}

export interface SummaryBase {
  csv: string;
  /** The CSV's path for reading line numbers back (the same bytes: its hash was checked). */
  csvPath?: string | undefined;
  csvSha256: string;
  environment: string;
  /** The attempt this invocation ran (1, then 2, 3 … for each re-run of the pending rows). */
  attempt: number;
  exitStatus: number;
  readyRows: number;
  detail?: string | undefined;
  /** When this invocation started (ms since the epoch), for its elapsed time and rate. */
  startedAt?: number | undefined;
  now?: () => number;
}

/** What an exit status says in the summary: the status, its meaning and whether a resume can continue. */
export function exitFields(exitStatus: number): Pick<RunSummary, 'exitStatus' | 'outcome' | 'resumable'> {
  return { exitStatus, outcome: EXIT_MEANING[exitStatus] ?? 'unknown', resumable: RESUMABLE.has(exitStatus) };
}

/**
 * Counts from the run's files, so a resumed run reports the whole CSV, not one invocation; each
 * row counts once, by its latest line (a row pending in attempt 1 and fixed in attempt 2 is a success).
 */
export async function summarise(outDir: string, base: SummaryBase): Promise<RunSummary> {
  const now = base.now?.() ?? Date.now();
  const startedAt = base.startedAt ?? now;
  const latest = await latestPerRow(records(join(outDir, 'results.csv'), RESULTS_COLUMNS));
  const pendingLines = await latestPerRow(records(join(outDir, 'pending_rows.csv'), PENDING_COLUMNS));

  let success = 0;
  let pending = 0;
  let rowsFinished = 0;
  const effects: Record<string, EffectCounts> = {};
  for (const r of latest.values()) {
    if (Date.parse(r.timestamp) >= startedAt) rowsFinished++;
    if (r.status !== 'success') {
      pending++;
      continue;
    }
    success++;
    const counts = effects[r.entity_type] ?? { created: 0, changed: 0, unchanged: 0 };
    effects[r.entity_type] = counts;
    if (r.effect === 'created' || r.effect === 'changed' || r.effect === 'unchanged') counts[r.effect]++;
  }

  const pendingByReason: Record<string, number> = {};
  const steps: Record<string, number> = {};
  const pendingRows: PendingRowInput[] = [];
  const failedLocations: FailedLocationRow[] = [];
  for (const [rowId, p] of pendingLines) {
    if (latest.get(rowId)?.status !== 'pending') continue; // pending once, success since
    pendingByReason[p.reason_code] = (pendingByReason[p.reason_code] ?? 0) + 1;
    steps[p.step] = (steps[p.step] ?? 0) + 1;
    const raw = rawCells(p.raw_row_minified);
    pendingRows.push({
      rowId,
      entityType: p.entity_type,
      entityKey: p.entity_key,
      reasonCode: p.reason_code,
      message: p.reason_message,
      locationKey: raw.location_key,
    });
    if (p.entity_type === 'location')
      failedLocations.push({ rowId, state: 'pending', reasonCode: p.reason_code, message: p.reason_message, raw });
  }
  let rejected = 0;
  const rejectedByReason: Record<string, number> = {};
  for await (const r of records(join(outDir, 'rejected_rows.csv'), REJECTED_COLUMNS)) {
    rejected++;
    rejectedByReason[r.reason_code] = (rejectedByReason[r.reason_code] ?? 0) + 1;
    if (r.entity_type === 'location')
      failedLocations.push({
        rowId: Number(r.row_id),
        state: 'rejected',
        reasonCode: r.reason_code,
        message: r.reason_message,
        raw: rawCells(r.raw_row_minified),
      });
  }
  pendingRows.sort((a, b) => a.rowId - b.rowId); // each group lists its first rows in CSV order
  const pendingCauses = groupPendingByCause(pendingRows, failedLocations, await succeededLocationKeys(outDir, latest));
  await addLineNumbers(pendingCauses, base.csvPath);
  const seconds = Math.max(0, (now - startedAt) / 1000);
  return {
    csv: base.csv,
    csvSha256: base.csvSha256,
    environment: base.environment,
    attempt: base.attempt,
    ...exitFields(base.exitStatus),
    rows: {
      total: base.readyRows + rejected,
      success,
      pending,
      rejected,
      notYetProcessed: Math.max(0, base.readyRows - success - pending),
    },
    pendingByReason,
    rejectedByReason,
    topFailingSteps: Object.entries(steps)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([step, count]) => ({ step, count })),
    effects,
    pendingCauses,
    elapsed: {
      seconds: Math.round(seconds * 10) / 10,
      rowsFinished,
      rowsPerSecond: seconds > 0 ? Math.round((rowsFinished / seconds) * 10) / 10 : 0,
    },
    detail: base.detail,
    throughput: await throughputSeries(join(outDir, 'results.csv'), undefined, base.attempt),
  };
}

/**
 * The keys and names of the location rows that succeeded (from ready_to_load.csv, which has their
 * cells): a failed row with the same key or name is no cause, the location exists.
 */
async function succeededLocationKeys(outDir: string, latest: ReadonlyMap<number, { readonly status: string }>): Promise<Set<string>> {
  const keys = new Set<string>();
  const ready = join(outDir, READY_FILE);
  if (!existsSync(ready)) return keys;
  // Structure checked, rows not validated again: only location keys and names are read, for a report.
  for (const { row } of (await ReadyFile.read(ready)).records({ entityType: 'location', validate: false })) {
    if (latest.get(row.row_id)?.status !== 'success') continue;
    keys.add(foldLocationKey(row.entity_key));
    keys.add(foldLocationKey(row.location_name));
  }
  return keys;
}

/** Line numbers for every row the summary lists, read back from the CSV in one pass (best effort). */
async function addLineNumbers(causes: PendingCauses, csvPath: string | undefined): Promise<void> {
  if (!csvPath) return;
  const wanted = new Set<number>();
  for (const c of causes.byLocation.slice(0, MAX_LOCATION_GROUPS)) {
    wanted.add(c.locationRowId);
    for (const r of c.rows) wanted.add(r.rowId);
  }
  for (const g of causes.byReason) for (const r of g.rows) wanted.add(r.rowId);
  let lines: Map<number, number>;
  try {
    lines = await physicalLinesOf(csvPath, wanted);
  } catch {
    return; // the summary is still right without line numbers; the CSV's hash was checked at the start
  }
  for (const c of causes.byLocation) {
    c.locationLine = lines.get(c.locationRowId);
    for (const r of c.rows) r.line = lines.get(r.rowId);
  }
  for (const g of causes.byReason) for (const r of g.rows) r.line = lines.get(r.rowId);
}

export function summaryMarkdown(s: RunSummary): string {
  const lines = [
    `## wbp run — ${mdText(s.csv)} (${s.environment}, attempt ${s.attempt})`,
    '',
    `**${s.outcome}** (exit status ${s.exitStatus})${s.detail ? ` — ${mdText(s.detail)}` : ''}`,
    '',
    '| state | rows |',
    '| --- | ---: |',
    `| success | ${s.rows.success} |`,
    `| pending | ${s.rows.pending} |`,
    `| rejected | ${s.rows.rejected} |`,
    ...(s.rows.notYetProcessed > 0 ? [`| not yet processed | ${s.rows.notYetProcessed} |`] : []),
    `| **total** | **${s.rows.total}** |`,
    '',
  ];
  const reasons = [
    ...Object.entries(s.pendingByReason).map(([k, n]) => ['pending', k, n] as const),
    ...Object.entries(s.rejectedByReason)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => ['rejected', k, n] as const),
  ];
  if (reasons.length > 0) {
    lines.push(
      '| state | reason_code | rows |',
      '| --- | --- | ---: |',
      ...reasons.map(([st, k, n]) => `| ${st} | ${mdCode(k)} | ${n} |`),
      '',
    );
  }
  lines.push(...elapsedLine(s), ...effectsTable(s), ...pendingSections(s.pendingCauses));
  if (s.topFailingSteps.length > 0) {
    lines.push(`Top failing steps: ${s.topFailingSteps.map((t) => `${mdCode(t.step)} (${t.count})`).join(', ')}`, '');
  }
  if (s.resumable) {
    lines.push(
      '**To continue**, run the same CSV with the same output folder (its `checkpoint.json` is kept): locally `wbp run <csv> --out <dir>`; in Actions, dispatch *provision* with `resume` = this run id.',
      '',
    );
  } else if (s.rows.pending > 0) {
    lines.push(
      `Fix what \`pending_rows.csv\` says, then run the same CSV with the same output folder: attempt ${s.attempt + 1} tries only the pending rows again (lookup first); success rows are not touched.`,
      '',
    );
  }
  const chart = s.throughput.rowsPerSecond.length >= 3 ? throughputMermaid(s.throughput) : '';
  if (chart) lines.push(chart, '');
  lines.push(`CSV sha256 \`${s.csvSha256}\``, '');
  return lines.join('\n');
}

export function elapsedLine(s: RunSummary): string[] {
  const { seconds, rowsFinished, rowsPerSecond } = s.elapsed;
  return [
    `Elapsed ${formatSeconds(seconds)}: this invocation finished ${rowsFinished} row(s)${rowsFinished > 0 ? `, ${rowsPerSecond} rows/s` : ''}.`,
    '',
  ];
}

function formatSeconds(total: number): string {
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = Math.round(total % 60);
  return h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min ${sec} s` : `${Math.round(total * 10) / 10} s`;
}

const ENTITY_ORDER = ['location', 'user', 'extension_assignment'];

function effectsTable(s: RunSummary): string[] {
  const types = Object.keys(s.effects).sort((a, b) => ENTITY_ORDER.indexOf(a) - ENTITY_ORDER.indexOf(b));
  if (types.length === 0) return [];
  return [
    '| success rows | created | changed | already right |',
    '| --- | ---: | ---: | ---: |',
    ...types.map((t) => `| ${mdText(t)} | ${s.effects[t]!.created} | ${s.effects[t]!.changed} | ${s.effects[t]!.unchanged} |`),
    '',
  ];
}

function rowTable(rows: readonly PendingRowRef[], count: number, withReason: boolean): string[] {
  const out = [
    `| row | line | entity | key | ${withReason ? 'reason | ' : ''}message |`,
    `| ---: | ---: | --- | --- | ${withReason ? '--- | ' : ''}--- |`,
    ...rows.map(
      (r) =>
        `| ${r.rowId} | ${r.line ?? ''} | ${mdText(r.entityType)} | ${mdText(r.entityKey)} | ${withReason ? `${mdCode(r.reasonCode)} | ` : ''}${mdText(r.message)} |`,
    ),
  ];
  if (count > rows.length) out.push('', `… and ${count - rows.length} more in \`pending_rows.csv\`.`);
  return [...out, ''];
}

/** Pending rows people can act on: those behind a failed location row first (one fix each), then by reason. */
function pendingSections(c: PendingCauses): string[] {
  if (c.byLocation.length === 0 && c.byReason.length === 0) return [];
  const out: string[] = ['### Pending rows', ''];
  for (const loc of c.byLocation.slice(0, MAX_LOCATION_GROUPS)) {
    const where = `row ${loc.locationRowId}${loc.locationLine === undefined ? '' : `, line ${loc.locationLine}`}`;
    out.push(
      `**${loc.count} row(s) wait for location ${mdText(loc.locationKey)}** (${where}), which was ${loc.state} (${mdCode(loc.reasonCode)}: ${mdText(loc.message)}). Fix that row, then re-run:`,
      '',
      ...rowTable(loc.rows, loc.count, true),
    );
  }
  if (c.byLocation.length > MAX_LOCATION_GROUPS)
    out.push(`… and ${c.byLocation.length - MAX_LOCATION_GROUPS} more failed location rows with rows waiting on them.`, '');
  for (const g of c.byReason) out.push(`**${mdCode(g.reasonCode)}** (${g.count}):`, '', ...rowTable(g.rows, g.count, false));
  return out;
}

/** summary.json + summary.md in the output folder; the step summary and outputs when in Actions. Both go through `redact`. */
export async function publishSummary(
  outDir: string,
  s: RunSummary,
  env: Readonly<Record<string, string | undefined>>,
  redact: (text: string) => string = (text) => text,
): Promise<void> {
  const md = redact(summaryMarkdown(s));
  await writeFile(join(outDir, 'summary.json'), redact(`${JSON.stringify(s, null, 2)}\n`));
  await writeFile(join(outDir, 'summary.md'), md);
  if (env.GITHUB_STEP_SUMMARY) await appendFile(env.GITHUB_STEP_SUMMARY, `${md}\n`);
  if (env.GITHUB_OUTPUT) {
    await appendFile(env.GITHUB_OUTPUT, `exit_status=${s.exitStatus}\nresumable=${s.resumable}\ncsv_sha256=${s.csvSha256}\n`);
  }
}
