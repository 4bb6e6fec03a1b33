import { join } from 'node:path';
import { minifyRow, openCsvAppender, PENDING_COLUMNS, readCsvRecords, RESULTS_COLUMNS, type CsvAppender } from '@wbp/writers';
import type { Phase, RowOutcome } from './outcome.js';
import type { ExecRow } from './row.js';

export const RESULTS_FILE = 'results.csv';
export const PENDING_FILE = 'pending_rows.csv';

export interface RunOutputs {
  results: CsvAppender<(typeof RESULTS_COLUMNS)[number]>;
  pending: CsvAppender<(typeof PENDING_COLUMNS)[number]>;
  /** Row ids that already have their one results.csv line. */
  terminal: Set<number>;
  write(row: ExecRow, phase: Phase, batchId: string, outcome: RowOutcome): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens results.csv and pending_rows.csv for appending (verifying them: corruption throws
 * OutputCorruptError) and learns which rows are already terminal. A pending row is written to
 * pending_rows.csv first and results.csv second; a crash between the two leaves a pending line
 * without its results line, which is completed here from the pending line rather than by
 * running the row again.
 */
export async function openOutputs(outDir: string, onCompleted: (rowId: number) => void, redact: (text: string) => string = (text) => text): Promise<RunOutputs> {
  const results = await openCsvAppender(join(outDir, RESULTS_FILE), RESULTS_COLUMNS);
  const pending = await openCsvAppender(join(outDir, PENDING_FILE), PENDING_COLUMNS);
  const terminal = new Set<number>();
  if (results.records > 0) {
    for await (const r of readCsvRecords(results.path, RESULTS_COLUMNS)) terminal.add(Number(r.row_id));
  }
  if (pending.records > 0) {
    for await (const p of readCsvRecords(pending.path, PENDING_COLUMNS)) {
      const rowId = Number(p.row_id);
      if (terminal.has(rowId)) continue;
      await results.append({
        timestamp: p.timestamp,
        batch_id: p.batch_id,
        row_id: p.row_id,
        phase: p.phase,
        entity_type: p.entity_type,
        entity_key: p.entity_key,
        step: p.step,
        status: 'pending',
        http_status: p.http_status,
        message: `${p.reason_code}: ${p.reason_message}`,
        remote_id: '',
        effect: '',
      });
      terminal.add(rowId);
      onCompleted(rowId);
    }
  }

  return {
    results,
    pending,
    terminal,
    async write(row, phase, batchId, outcome) {
      const timestamp = new Date().toISOString();
      const common = { timestamp, batch_id: batchId, row_id: row.rowId, phase, entity_type: row.entityType, entity_key: row.entityKey, step: outcome.step };
      if (outcome.status === 'pending') {
        await pending.append({
          ...common,
          reason_code: outcome.reasonCode,
          reason_message: redact(outcome.trackingId ? `${outcome.message} [trackingId ${outcome.trackingId}]` : outcome.message),
          http_status: outcome.httpStatus ?? '',
          raw_row_minified: minifyRow(row.fields),
        });
      }
      await results.append({
        ...common,
        status: outcome.status,
        http_status: outcome.httpStatus ?? '',
        message: redact(outcome.status === 'pending' ? `${outcome.reasonCode}: ${outcome.message}` : outcome.message),
        remote_id: outcome.remoteId ?? '',
        effect: outcome.status === 'success' ? (outcome.effect ?? '') : '',
      });
      terminal.add(row.rowId);
    },
    async sync() {
      await Promise.all([results.sync(), pending.sync()]);
    },
    async close() {
      await Promise.all([results.close(), pending.close()]);
    },
  };
}
