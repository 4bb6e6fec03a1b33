import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PENDING_COLUMNS, readCsvRecords, RESULTS_COLUMNS } from '@wbp/files';

export async function readResults(outDir: string) {
  const out: Record<(typeof RESULTS_COLUMNS)[number], string>[] = [];
  if (!existsSync(join(outDir, 'results.csv'))) return out;
  for await (const r of readCsvRecords(join(outDir, 'results.csv'), RESULTS_COLUMNS)) out.push(r);
  return out;
}

export async function readPending(outDir: string) {
  const out: Record<(typeof PENDING_COLUMNS)[number], string>[] = [];
  if (!existsSync(join(outDir, 'pending_rows.csv'))) return out;
  for await (const r of readCsvRecords(join(outDir, 'pending_rows.csv'), PENDING_COLUMNS)) out.push(r);
  return out;
}
