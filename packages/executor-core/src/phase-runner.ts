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
  /**
   * Run-wide bounds (MAX_ROWS, MAX_BATCHES), counted over rows and batches *started in this
   * invocation*: rows finished by an earlier invocation, and rows read ahead but not started, do
   * not count, so every invocation progresses.
   */
  counters: { rows: number; batches: number };
  save: (lastRowId: number) => Promise<void>;
  onRowDone: (row: ExecRow, outcome: RowOutcome, batchId: string) => void;
  onBatchEnd?: (batchId: string, tally: BatchTally) => void;
  /**
   * A row that may not start yet because it depends on a row of the previous phase that is still
   * still in flight (same person, same location); checked each time rows are picked.
   */
  held?: (row: ExecRow) => boolean;
}

/** A phase in progress. */
export interface PhaseHandle {
  /** Settles when every row of the phase has ended (or the phase stopped). */
  done: Promise<{ end: PhaseEnd; detail?: string }>;
  /**
   * Settles once nothing is left to start while rows are still in flight (a slow request, a row
   * settling an unknown outcome): the next phase may start then, for rows that do not depend on the
   * ones still in flight. It never settles for a phase that ends without that moment (race it with `done`).
   */
  released: Promise<void>;
  /** The rows not ended yet. */
  unfinished: () => ExecRow[];
  /** The checkpoint mark now: every row up to it has ended (for when the checkpoint reaches this phase). */
  lowWater: () => number;
  /** Rows in flight holding a slot (not parked): the next phase, overlapping, counts them against the same limit. */
  active: () => number;
  /** Re-checks held rows (a row of the previous phase ended). */
  wake: () => void;
  /** Stops starting rows (an earlier phase stopped the run). */
  stop: (end: PhaseEnd, detail?: string) => void;
}

interface OpenBatch {
  id: string;
  /** Row ids in file order (for the low-water mark); the rows themselves are held only until started. */
  ids: number[];
  queue: ExecRow[];
  inFlight: number;
  /** A row of this batch was started in this invocation (it counts toward MAX_BATCHES). */
  started: boolean;
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
export function runPhase(run: PhaseRun): Promise<{ end: PhaseEnd; detail?: string }> {
  return startPhase(run).done;
}

/** Starts a phase; see `PhaseHandle`. */
export function startPhase(run: PhaseRun): PhaseHandle {
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
  const running = new Map<number, ExecRow>();
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));

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
      const queue = batch.rows.filter((r) => !outputs.terminal.has(r.rowId));
      if (queue.length > 0) log.info({ event: 'batch_start', phase: run.phase, batch_id: batch.id, rows: queue.length, skipped: batch.rows.length - queue.length }, `${batch.id} start`);
      open.push({ id: batch.id, ids: batch.rows.map((r) => r.rowId), queue, inFlight: 0, started: false, done: new Set(), tally: new BatchTally() });
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
        // Ended from here on: the next phase reads `unfinished()` while this row may still be
        // saving a checkpoint below, and must not wait for a row whose end it has already heard.
        running.delete(row.rowId);
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
      running.delete(row.rowId);
      wake();
    }
  };

  /** Whether starting one more row (of `ob`) would exceed MAX_ROWS or MAX_BATCHES. */
  const boundReached = (ob: OpenBatch): string | undefined => {
    if (run.counters.rows >= config.maxRows) return `MAX_ROWS=${config.maxRows} rows started in this invocation`;
    if (!ob.started && run.counters.batches >= config.maxBatches) return `MAX_BATCHES=${config.maxBatches} batches started in this invocation`;
    return undefined;
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
        const i = ob.queue.findIndex((r) => !busy.has(run.lockKey(r)) && !run.held?.(r));
        if (i >= 0) {
          const bound = boundReached(ob);
          if (bound) {
            stop = { end: 'bound_reached', detail: bound };
            return;
          }
          const row = ob.queue.splice(i, 1)[0]!;
          picked = { ob, row, key: run.lockKey(row) };
          break;
        }
      }
      if (!picked) return;
      const { ob, row, key } = picked;
      run.counters.rows++;
      if (!ob.started) {
        ob.started = true;
        run.counters.batches++;
      }
      busy.add(key);
      running.set(row.rowId, row);
      ob.inFlight++;
      inFlight++;
      void run.process(row, park).then((outcome) => finish(ob, row, key, outcome));
    }
  };

  const done = (async (): Promise<{ end: PhaseEnd; detail?: string }> => {
    for (;;) {
      const woken = new Promise<void>((resolve) => (wake = resolve));
      try {
        await refill();
        await finalizeReady();
      } catch (err) {
        failure ??= err;
      }
      if (failure === undefined) startRows();
      if (!stop && failure === undefined && exhausted && open.every((ob) => ob.queue.length === 0) && inFlight > 0) release();
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
  })();

  return {
    done,
    released,
    unfinished: () => [...running.values(), ...open.flatMap((ob) => ob.queue)],
    lowWater,
    active: () => inFlight - parked,
    wake: () => wake(),
    stop: (end, detail) => {
      stop ??= { end, ...(detail !== undefined ? { detail } : {}) };
      wake();
    },
  };
}
