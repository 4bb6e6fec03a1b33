import { setTimeout as sleep } from 'node:timers/promises';
import { batches } from './batches.js';
import { BatchTally } from './breaker.js';
import type { ExecutorConfig } from './config.js';
import type { RunLogger } from './logger.js';
import type { Phase, RowOutcome } from './outcome.js';
import type { RunOutputs } from './outputs.js';
import type { ExecRow } from './row.js';

export type PhaseEnd = 'completed' | 'aborted_breaker' | 'time_budget' | 'bound_reached';

export interface PhaseRun {
  phase: Phase;
  rows: AsyncIterable<ExecRow>;
  /** Last row id known persisted before this invocation (0, or the checkpoint's). */
  startMark: number;
  config: ExecutorConfig;
  outputs: RunOutputs;
  log: RunLogger;
  limit: () => number;
  lockKey: (row: ExecRow) => string;
  /** Runs one row; `park` waits without holding a concurrency slot (a row settling an unknown outcome). */
  process: (row: ExecRow, park: (ms: number) => Promise<void>) => Promise<RowOutcome>;
  /** Run-wide bounds, shared across phases. */
  counters: { rows: number; batches: number };
  save: (lastRowId: number) => Promise<void>;
  onRowDone: (row: ExecRow, outcome: RowOutcome, batchId: string) => void;
  onBatchEnd?: (batchId: string, tally: BatchTally) => void;
}

interface OpenBatch {
  id: string;
  /** Row ids in file order (for the low-water mark); the rows themselves are held only until started. */
  ids: number[];
  queue: ExecRow[];
  inFlight: number;
  done: Set<number>;
  tally: BatchTally;
}

/**
 * At most this many batches have rows not yet started: later batches' rows start while the last
 * rows of an earlier one finish. Enough that rows stuck for a whole request timeout, or parked
 * while an unknown outcome settles, do not idle the run, yet only a few thousand rows are ever
 * held in memory (a batch whose rows have all started keeps only their ids).
 */
const OPEN_BATCHES = 8;

/**
 * One phase, batch by batch without a barrier between batches: a slow row (a request hanging
 * until its timeout) holds one slot, not the whole run. Batches still end in order — checkpoint
 * (after the outputs are fsynced), batch_end log, breaker — as soon as their last row ends.
 */
export async function runPhase(run: PhaseRun): Promise<{ end: PhaseEnd; detail?: string }> {
  const { config, outputs, log } = run;
  const source = batches(run.rows, run.phase, config.batchSize)[Symbol.asyncIterator]();
  const open: OpenBatch[] = [];
  const busy = new Set<string>();
  let exhausted = false;
  let inFlight = 0;
  /** Rows in flight that are parked (waiting without a concurrency slot). */
  let parked = 0;
  let stop: { end: PhaseEnd; detail?: string } | undefined;
  let failure: unknown;
  let mark = run.startMark;
  let lastCheckpointAt = Date.now();
  let wake: () => void = () => undefined;

  const lowWater = (): number => {
    let m = mark;
    for (const ob of open) {
      for (const id of ob.ids) {
        if (!outputs.terminal.has(id) && !ob.done.has(id)) return m;
        m = id;
      }
    }
    return m;
  };

  const refill = async (): Promise<void> => {
    while (!exhausted && !stop && open.filter((ob) => ob.queue.length > 0).length < OPEN_BATCHES) {
      const next = await source.next();
      if (next.done) {
        exhausted = true;
        return;
      }
      const batch = next.value;
      if (++run.counters.batches > config.maxBatches) {
        stop = { end: 'bound_reached', detail: `MAX_BATCHES=${config.maxBatches} reached` };
        return;
      }
      run.counters.rows += batch.rows.length;
      if (run.counters.rows > config.maxRows) {
        stop = { end: 'bound_reached', detail: `MAX_ROWS=${config.maxRows} reached` };
        return;
      }
      const queue = batch.rows.filter((r) => !outputs.terminal.has(r.rowId));
      if (queue.length > 0) log.info({ event: 'batch_start', phase: run.phase, batch_id: batch.id, rows: queue.length, skipped: batch.rows.length - queue.length }, `${batch.id} start`);
      open.push({ id: batch.id, ids: batch.rows.map((r) => r.rowId), queue, inFlight: 0, done: new Set(), tally: new BatchTally() });
    }
  };

  const finalizeReady = async (): Promise<void> => {
    while (open.length > 0 && open[0]!.queue.length === 0 && open[0]!.inFlight === 0) {
      const ob = open[0]!;
      mark = lowWater();
      open.shift();
      if (ob.tally.processed === 0) continue;
      await run.save(mark);
      lastCheckpointAt = Date.now();
      const t = ob.tally;
      log.info({ event: 'batch_end', phase: run.phase, batch_id: ob.id, processed: t.processed, success: t.success, pending: t.pending, by_reason: t.byReason, last_row_id: mark, concurrency: run.limit() }, `${ob.id} end`);
      run.onBatchEnd?.(ob.id, t);
      if (t.trips(config.circuitBreakerThreshold)) {
        log.fatal({ event: 'circuit_breaker', phase: run.phase, batch_id: ob.id, processed: t.processed, by_reason: t.byReason, threshold: config.circuitBreakerThreshold }, 'circuit breaker tripped: the org is refusing this run');
        stop ??= { end: 'aborted_breaker', detail: `circuit breaker in ${ob.id}: ${JSON.stringify(t.byReason)}` };
      }
    }
  };

  const finish = async (ob: OpenBatch, row: ExecRow, key: string, outcome: RowOutcome): Promise<void> => {
    try {
      if (outputs.terminal.has(row.rowId)) {
        log.fatal({ event: 'invariant_breach', row_id: row.rowId }, 'a row finished twice; the second outcome is not written');
      } else {
        await outputs.write(row, run.phase, ob.id, outcome);
        ob.tally.add(outcome);
        run.onRowDone(row, outcome, ob.id);
      }
      ob.done.add(row.rowId);
      // Rows already in flight will fail too: stop early enough that a dead token burns at most one batch.
      const window = Math.max(1, Math.min(25, config.batchSize - Math.max(1, run.limit())));
      if (!stop && ob.tally.hopeless(window)) {
        stop = { end: 'aborted_breaker', detail: `every one of the last ${window} rows failed on the token (auth_invalid or permission_denied) (${JSON.stringify(ob.tally.byReason)})` };
        log.fatal({ event: 'circuit_breaker', phase: run.phase, batch_id: ob.id, processed: ob.tally.processed, by_reason: ob.tally.byReason, early: true }, 'circuit breaker tripped mid-batch: every recent row failed on the token (revoked, expired or without the scopes)');
      }
      if (Date.now() - lastCheckpointAt >= config.checkpointEveryMs) {
        lastCheckpointAt = Date.now();
        await run.save(lowWater());
      }
    } catch (err) {
      failure ??= err;
    } finally {
      ob.inFlight--;
      inFlight--;
      busy.delete(key);
      wake();
    }
  };

  const park = async (ms: number): Promise<void> => {
    parked++;
    wake();
    try {
      await sleep(ms);
    } finally {
      parked--;
    }
  };

  const startRows = (): void => {
    while (!stop && failure === undefined && inFlight - parked < Math.max(1, run.limit())) {
      if (config.deadline !== undefined && Date.now() >= config.deadline) {
        stop = { end: 'time_budget', detail: 'time budget reached' };
        return;
      }
      let picked: { ob: OpenBatch; row: ExecRow; key: string } | undefined;
      for (const ob of open) {
        const i = ob.queue.findIndex((r) => !busy.has(run.lockKey(r)));
        if (i >= 0) {
          const row = ob.queue.splice(i, 1)[0]!;
          picked = { ob, row, key: run.lockKey(row) };
          break;
        }
      }
      if (!picked) return;
      const { ob, row, key } = picked;
      busy.add(key);
      ob.inFlight++;
      inFlight++;
      void run.process(row, park).then((outcome) => finish(ob, row, key, outcome));
    }
  };

  for (;;) {
    const woken = new Promise<void>((resolve) => (wake = resolve));
    try {
      await refill();
      await finalizeReady();
    } catch (err) {
      failure ??= err;
    }
    if (failure === undefined) startRows();
    if (inFlight === 0) {
      if (failure !== undefined) throw failure;
      if (stop) {
        if (stop.end !== 'aborted_breaker') await run.save(lowWater());
        return stop;
      }
      if (exhausted && open.length === 0) return { end: 'completed' };
      if (open.every((ob) => ob.queue.length === 0)) continue; // only finalizing left
    }
    await woken;
  }
}
