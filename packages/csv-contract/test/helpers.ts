import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { REJECTED_COLUMNS, readCsvRecords } from '@wbp/files';
import { CANONICAL_COLUMNS, readReadyRows, type ReadyRow } from '@wbp/csv-contract';
import { tempDir as freshDir } from '../../../test-support/temp-dir.js';

export const FIXTURES = join(import.meta.dirname, 'fixtures');

/** A fresh directory, removed when the test ends (see test-support/temp-dir.ts). */
export async function tempDir(): Promise<string> {
  return freshDir('wbp-contract-');
}

/** A CSV with the full canonical header (plus `extra` columns) and one line per row. */
export function csvText(rows: ReadonlyArray<Readonly<Record<string, string | undefined>>>, extra: readonly string[] = []): string {
  const header = [...CANONICAL_COLUMNS, ...extra];
  return stringify([header, ...rows.map((row) => header.map((column) => row[column] ?? ''))], { record_delimiter: 'unix' });
}

export async function writeCsv(dir: string, text: string | Buffer, name = 'input.csv'): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

export async function readyRows(path: string): Promise<ReadyRow[]> {
  const rows: ReadyRow[] = [];
  for await (const row of readReadyRows(path)) rows.push(row);
  return rows;
}

export async function rejectedRows(path: string): Promise<Array<Record<(typeof REJECTED_COLUMNS)[number], string>>> {
  const rows: Array<Record<(typeof REJECTED_COLUMNS)[number], string>> = [];
  for await (const row of readCsvRecords(path, REJECTED_COLUMNS)) rows.push(row);
  return rows;
}

export { assignmentRow as assignment, locationRow as location, userRow as user } from '../../../test-support/rows.js';
