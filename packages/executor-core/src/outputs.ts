import { join } from 'node:path';
import { lineAttempt, minifyRow, openCsvAppender, PENDING_COLUMNS, readCsvRecords, RESULTS_COLUMNS, type CsvAppender } from '@wbp/files';
import type { Phase, RowOutcome } from './outcome.js';
import type { ExecRow } from './row.js';

export const RESULTS_FILE = 'results.csv';
export const PENDING_FILE = 'pending_rows.csv';

export interface RunOutputs {
  results: CsvAppender<(typeof RESULTS_COLUMNS)[number]>;
  pending: CsvAppender<(typeof PENDING_COLUMNS)[number]>;
  /** The attempt this invocation writes (the `attempt` cell of every line it appends). */
  attempt: number;
  /**
   * Row ids already terminal for this attempt: they have their one results.csv line of this
   * attempt, or an earlier attempt ended them success (never sent to Webex again).
   */
  terminal: Set<number>;
  /** Rows whose latest results line (any attempt) is pending, when the files were opened. */
  pendingRows: number;
  write(row: ExecRow, phase: Phase, batchId: string, outcome: RowOutcome): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens results.csv and pending_rows.csv for appending the lines of `attempt` (verifying them:
 * corruption throws OutputCorruptError) and learns which rows are already terminal for it. A
 * pending row is written to pending_rows.csv first and results.csv second; a crash between the two
 * leaves a pending line without its results line (of the same attempt), which is completed here
 * from the pending line rather than by running the row again.
 */
export async function openOutputs(
  outDir: string,
  attempt: number,
  onCompleted: (rowId: number) => void,
  redact: (text: string) => string = (text) => text,
): Promise<RunOutputs> {
  const results = await openCsvAppender(join(outDir, RESULTS_FILE), RESULTS_COLUMNS);
  const pending = await openCsvAppender(join(outDir, PENDING_FILE), PENDING_COLUMNS);
  /** `row:attempt` of every results line: each row ends once per attempt. */
  const ended = new Set<string>();
  /** The latest results line of each row: attempt and status. */
  const latest = new Map<number, { attempt: number; status: string }>();
  const note = (rowId: number, lineAttemptNo: number, status: string): void => {
    ended.add(`${rowId}:${lineAttemptNo}`);
    const seen = latest.get(rowId);
    if (seen === undefined || seen.attempt <= lineAttemptNo) latest.set(rowId, { attempt: lineAttemptNo, status });
  };
  if (results.records > 0) {
    for await (const r of readCsvRecords(results.path, RESULTS_COLUMNS)) note(Number(r.row_id), lineAttempt(r), r.status);
  }
  if (pending.records > 0) {
    for await (const p of readCsvRecords(pending.path, PENDING_COLUMNS)) {
      const rowId = Number(p.row_id);
      const of = lineAttempt(p);
      if (ended.has(`${rowId}:${of}`)) continue;
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
        attempt: p.attempt,
      });
      note(rowId, of, 'pending');
      onCompleted(rowId);
    }
  }
  const terminal = new Set<number>();
  let pendingRows = 0;
  for (const [rowId, last] of latest) {
    if (last.status === 'pending') pendingRows++;
    if (last.attempt === attempt || (last.attempt < attempt && last.status === 'success')) terminal.add(rowId);
  }

  return {
    results,
    pending,
    attempt,
    terminal,
    pendingRows,
    async write(row, phase, batchId, outcome) {
      const timestamp = new Date().toISOString();
      const common = {
        timestamp,
        batch_id: batchId,
        row_id: row.rowId,
        phase,
        entity_type: row.entityType,
        entity_key: row.entityKey,
        step: outcome.step,
        attempt,
      };
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
