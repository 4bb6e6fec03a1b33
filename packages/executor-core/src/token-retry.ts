import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { formatCsvLine, lineAttempt, PENDING_COLUMNS, readCsvRecords, replaceFileAtomically, RESULTS_COLUMNS } from '@wbp/files';
import type { Phase } from './outcome.js';
import { PENDING_FILE, RESULTS_FILE } from './outputs.js';

/** The message `runSteps` gives a half_applied row whose failing step was refused for the token. */
const HALF_APPLIED_ON_TOKEN = /failed \(auth_invalid\)/;

/**
 * "Replace the token, then resume": rows that ended pending only because the token failed
 * (`auth_invalid`, or `half_applied` with that cause: the run stopped on a dead token) are tried
 * again by the resume, in the phases it runs (from the checkpoint's on). Their lines are taken out
 * of results.csv and pending_rows.csv, each file replaced atomically, so every row still has at
 * most one line; results.csv goes first, because a crash between the two then leaves a pending
 * line without its results line, which opening the outputs completes again (the row stays
 * pending, and the next resume reopens it). Only lines of the attempt being resumed are taken
 * out: the lines of earlier attempts are the record of how those attempts ended and stay as they
 * are (a reopened row whose earlier attempt also ended pending is simply pending again for this
 * one). Returns the reopened row ids.
 */
export async function reopenTokenFailures(outDir: string, fromPhase: Phase, attempt: number): Promise<number[]> {
  const pendingPath = join(outDir, PENDING_FILE);
  const resultsPath = join(outDir, RESULTS_FILE);
  if (!existsSync(pendingPath) || !existsSync(resultsPath)) return [];
  const reopen = new Set<number>();
  const keptPending: string[] = [];
  for await (const p of readCsvRecords(pendingPath, PENDING_COLUMNS)) {
    const onToken = p.reason_code === 'auth_invalid' || (p.reason_code === 'half_applied' && HALF_APPLIED_ON_TOKEN.test(p.reason_message));
    if (onToken && Number(p.phase) >= fromPhase && lineAttempt(p) === attempt) reopen.add(Number(p.row_id));
    else keptPending.push(formatCsvLine(PENDING_COLUMNS.map((c) => p[c])));
  }
  if (reopen.size === 0) return [];
  const keptResults: string[] = [];
  for await (const r of readCsvRecords(resultsPath, RESULTS_COLUMNS)) {
    if (!(reopen.has(Number(r.row_id)) && lineAttempt(r) === attempt)) keptResults.push(formatCsvLine(RESULTS_COLUMNS.map((c) => r[c])));
  }
  await replaceFileAtomically(outDir, RESULTS_FILE, [formatCsvLine(RESULTS_COLUMNS), ...keptResults].join(''));
  await replaceFileAtomically(outDir, PENDING_FILE, [formatCsvLine(PENDING_COLUMNS), ...keptPending].join(''));
  return [...reopen];
}
