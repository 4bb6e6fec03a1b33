import { existsSync } from 'node:fs';
import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { latestPerRow, PENDING_COLUMNS, readCsvRecords, REJECTED_COLUMNS, RESULTS_COLUMNS } from '@wbp/writers';
import { mdCode, mdText } from '../github.js';
import { EXIT_MEANING, RESUMABLE } from './exit-status.js';
import { throughputMermaid, throughputSeries } from './throughput-chart.js';

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
  resumable: boolean;
  detail?: string | undefined;
  throughput: { bucketSeconds: number; rowsPerSecond: number[] };
}

async function* records<C extends string>(file: string, columns: readonly C[]) {
  if (existsSync(file)) yield* readCsvRecords(file, columns);
}

/**
 * Counts from the run's files, so a resumed run reports the whole CSV, not one invocation; each
 * row counts once, by its latest line (a row pending in attempt 1 and fixed in attempt 2 is a success).
 */
export async function summarise(outDir: string, base: { csv: string; csvSha256: string; environment: string; attempt: number; exitStatus: number; readyRows: number; detail?: string | undefined }): Promise<RunSummary> {
  let success = 0;
  let pending = 0;
  let rejected = 0;
  const pendingByReason: Record<string, number> = {};
  const rejectedByReason: Record<string, number> = {};
  const steps: Record<string, number> = {};
  const latest = await latestPerRow(records(join(outDir, 'results.csv'), RESULTS_COLUMNS));
  for (const r of latest.values()) {
    if (r.status === 'success') success++;
    else pending++;
  }
  for (const p of (await latestPerRow(records(join(outDir, 'pending_rows.csv'), PENDING_COLUMNS))).values()) {
    if (latest.get(Number(p.row_id))?.status !== 'pending') continue; // pending once, success since
    pendingByReason[p.reason_code] = (pendingByReason[p.reason_code] ?? 0) + 1;
    steps[p.step] = (steps[p.step] ?? 0) + 1;
  }
  for await (const r of records(join(outDir, 'rejected_rows.csv'), REJECTED_COLUMNS)) {
    rejected++;
    rejectedByReason[r.reason_code] = (rejectedByReason[r.reason_code] ?? 0) + 1;
  }
  return {
    csv: base.csv,
    csvSha256: base.csvSha256,
    environment: base.environment,
    attempt: base.attempt,
    exitStatus: base.exitStatus,
    outcome: EXIT_MEANING[base.exitStatus] ?? 'unknown',
    rows: { total: base.readyRows + rejected, success, pending, rejected, notYetProcessed: Math.max(0, base.readyRows - success - pending) },
    pendingByReason,
    rejectedByReason,
    topFailingSteps: Object.entries(steps)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([step, count]) => ({ step, count })),
    resumable: RESUMABLE.has(base.exitStatus),
    detail: base.detail,
    throughput: await throughputSeries(join(outDir, 'results.csv'), undefined, base.attempt),
  };
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
  const reasons = [...Object.entries(s.pendingByReason).map(([k, n]) => ['pending', k, n] as const), ...Object.entries(s.rejectedByReason).filter(([, n]) => n > 0).map(([k, n]) => ['rejected', k, n] as const)];
  if (reasons.length > 0) {
    lines.push('| state | reason_code | rows |', '| --- | --- | ---: |', ...reasons.map(([st, k, n]) => `| ${st} | ${mdCode(k)} | ${n} |`), '');
  }
  if (s.topFailingSteps.length > 0) {
    lines.push('Top failing steps: ' + s.topFailingSteps.map((t) => `${mdCode(t.step)} (${t.count})`).join(', '), '');
  }
  if (s.resumable) {
    lines.push('**To continue**, run the same CSV with the same output folder (its `checkpoint.json` is kept): locally `wbp run <csv> --out <dir>`; in Actions, dispatch *provision* with `resume` = this run id.', '');
  } else if (s.rows.pending > 0) {
    lines.push('Fix what `pending_rows.csv` says, then re-run the same CSV: finished rows are looked up, not created twice.', '');
  }
  const chart = s.throughput.rowsPerSecond.length >= 3 ? throughputMermaid(s.throughput) : '';
  if (chart) lines.push(chart, '');
  lines.push(`CSV sha256 \`${s.csvSha256}\``, '');
  return lines.join('\n');
}

/** summary.json + summary.md in the output folder; the step summary and outputs when in Actions. Both go through `redact`. */
export async function publishSummary(outDir: string, s: RunSummary, env: Readonly<Record<string, string | undefined>>, redact: (text: string) => string = (text) => text): Promise<void> {
  const md = redact(summaryMarkdown(s));
  await writeFile(join(outDir, 'summary.json'), redact(`${JSON.stringify(s, null, 2)}\n`));
  await writeFile(join(outDir, 'summary.md'), md);
  if (env.GITHUB_STEP_SUMMARY) await appendFile(env.GITHUB_STEP_SUMMARY, `${md}\n`);
  if (env.GITHUB_OUTPUT) {
    await appendFile(env.GITHUB_OUTPUT, `exit_status=${s.exitStatus}\nresumable=${s.resumable}\ncsv_sha256=${s.csvSha256}\n`);
  }
}
