import { setTimeout as sleep } from 'node:timers/promises';
import { batches, type Batch } from './batches.js';
import { BatchTally, earlyStopWindow, TokenFailureStreak } from './breaker.js';
import type { ExecutorConfig } from './config.js';
import { LowWaterMark } from './low-water-mark.js';
import type { RunLogger } from './logger.js';
import type { Phase, RowOutcome } from './outcome.js';
import type { RunOutputs } from './outputs.js';
import type { ExecRow } from './row.js';
import type { Park } from './settle.js';

export type PhaseEnd = 'completed' | 'aborted_breaker' | 'time_budget' | 'bound_reached';

/** What one phase runs on; every callback is called by the scheduler only. */
export interface PhaseRun {
  phase: Phase;
  /** The phase's rows in file order (rows an earlier invocation ended included: they are skipped, and counted for the mark). */
  rows: AsyncIterable<ExecRow>;
  /** Last row id known persisted before this invocation (0, or the resumed checkpoint's `last_row_id`). */
  startMark: number;
  /** Batch size, bounds, breaker threshold, deadline and the time-based checkpoint interval. */
  config: ExecutorConfig;
  /** Where each row's outcome is written; `terminal` holds the rows that already have one. */
  outputs: RunOutputs;
  log: RunLogger;
  /** Rows this phase may have holding a slot now; read on every pick (the rate controller moves it). Never taken below 1. */
  concurrency: () => number;
  /** Rows with the same key never run at once (they touch the same remote entity). */
  lockKey: (row: ExecRow) => string;
  /** Runs one row's steps; `park` waits without holding a concurrency slot (a row settling an unknown outcome). Must not reject. */
  runRow: (row: ExecRow, park: Park) => Promise<RowOutcome>;
  /**
   * Run-wide bounds (MAX_ROWS, MAX_BATCHES), shared across phases and counted over rows and
   * batches *started in this invocation*: rows finished by an earlier invocation, and rows read
   * ahead but not started, do not count, so every invocation progresses.
   */
  counters: { rows: number; batches: number };
  /** Saves the checkpoint at this low-water mark (after fsyncing the outputs it covers). */
  saveCheckpoint: (lastRowId: number) => Promise<void>;
  /** A row's outcome was written. */
  onRowDone: (row: ExecRow, outcome: RowOutcome, batchId: string) => void;
  /** A batch was finalized (after its checkpoint), with its tally. */
  onBatchEnd?: (batchId: string, tally: BatchTally) => void;
  /**
   * A row that may not start yet because it depends on a row of the previous phase that is still
   * in flight (same person, same location); checked each time rows are picked. Default: none held.
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

/** A batch read from the phase's rows and not yet finalized. */
interface OpenBatch {
  id: string;
  /** Rows not started yet; the rows themselves are held only until started (the low-water mark keeps their ids). */
  queue: ExecRow[];
  inFlight: number;
  /** A row of this batch was started in this invocation (it counts toward MAX_BATCHES). */
  started: boolean;
  tally: BatchTally;
}

/** Why a phase stopped starting rows before its end. */
interface PhaseStop {
  end: PhaseEnd;
  detail?: string;
}

/** A row picked to start, with the batch it belongs to and the lock it takes. */
interface Picked {
  batch: OpenBatch;
  row: ExecRow;
  lock: string;
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
  return new PhaseScheduler(run).handle();
}

/**
 * The scheduler of one phase. One loop (`#drive`) does, each time something changed (a row ended,
 * parked, or a held row may start):
 *   1. `#admit`: read batches from the phase's rows while fewer than OPEN_BATCHES have rows to start;
 *   2. `#finalizeInOrder`: end every leading batch whose rows have all ended (checkpoint, batch_end, breaker);
 *   3. `#startRunnable`: start rows (`#pickRunnable`) while a slot is free;
 * and each started row, once it ends, is written and counted by `#complete`, which wakes the loop.
 * Every piece of state below is touched only by these methods.
 */
class PhaseScheduler {
  readonly #run: PhaseRun;
  readonly #source: AsyncIterator<Batch>;
  /** Batches read and not yet finalized, in file order. */
  readonly #open: OpenBatch[] = [];
  /** Lock keys of the rows in flight: two rows on one remote entity never run at once. */
  readonly #locked = new Set<string>();
  /** Rows started and not ended yet, by row id. */
  readonly #running = new Map<number, ExecRow>();
  readonly #lowWater: LowWaterMark;
  /** Every row of the phase has been read. */
  #exhausted = false;
  /** Rows started and not ended (parked ones included). */
  #inFlight = 0;
  /** Rows in flight that are parked (waiting without a concurrency slot). */
  #parked = 0;
  #stop: PhaseStop | undefined;
  /** The first error that must end the phase (an output that could not be written, a checkpoint that could not be saved). */
  #failure: { error: unknown } | undefined;
  #lastCheckpointAt = Date.now();
  /** Token failures in a row across the phase's batches, for the early stop. */
  readonly #tokenStreak = new TokenFailureStreak();
  /** Resolves the loop's current wait; replaced on every turn of the loop. */
  #wake: () => void = () => undefined;
  #release: () => void = () => undefined;
  readonly #released = new Promise<void>((resolve) => (this.#release = resolve));
  readonly #done: Promise<{ end: PhaseEnd; detail?: string }>;

  constructor(run: PhaseRun) {
    this.#run = run;
    this.#source = batches(run.rows, run.phase, run.config.batchSize)[Symbol.asyncIterator]();
    this.#lowWater = new LowWaterMark(run.startMark, (rowId) => run.outputs.terminal.has(rowId));
    this.#done = this.#drive();
  }

  handle(): PhaseHandle {
    return {
      done: this.#done,
      released: this.#released,
      unfinished: () => [...this.#running.values(), ...this.#open.flatMap((batch) => batch.queue)],
      lowWater: () => this.#lowWater.value,
      active: () => this.#slotsTaken(),
      wake: () => this.#wake(),
      stop: (end, detail) => {
        this.#stop ??= { end, ...(detail !== undefined ? { detail } : {}) };
        this.#wake();
      },
    };
  }

  async #drive(): Promise<{ end: PhaseEnd; detail?: string }> {
    for (;;) {
      const woken = new Promise<void>((resolve) => (this.#wake = resolve));
      try {
        await this.#admit();
        await this.#finalizeInOrder();
      } catch (error) {
        this.#fail(error);
      }
      if (!this.#failure) this.#startRunnable();
      if (!this.#stop && !this.#failure && this.#nothingToStart() && this.#inFlight > 0) this.#release();
      if (this.#inFlight === 0) {
        if (this.#failure) throw this.#failure.error;
        if (this.#stop) {
          // A tripped breaker keeps the checkpoint where the last finalized batch left it.
          if (this.#stop.end !== 'aborted_breaker') await this.#run.saveCheckpoint(this.#lowWater.value);
          return this.#stop;
        }
        if (this.#exhausted && this.#open.length === 0) return { end: 'completed' };
        if (this.#open.every((batch) => batch.queue.length === 0)) continue; // only finalizing left
      }
      await woken;
    }
  }

  /** Every row read has started and no more are to come: the next phase may start alongside. */
  #nothingToStart(): boolean {
    return this.#exhausted && this.#open.every((batch) => batch.queue.length === 0);
  }

  #slotsTaken(): number {
    return this.#inFlight - this.#parked;
  }

  #fail(error: unknown): void {
    this.#failure ??= { error };
  }

  /** Reads batches while fewer than OPEN_BATCHES have rows waiting to start. */
  async #admit(): Promise<void> {
    const { outputs, log, phase } = this.#run;
    while (!this.#exhausted && !this.#stop && this.#open.filter((batch) => batch.queue.length > 0).length < OPEN_BATCHES) {
      const next = await this.#source.next();
      if (next.done) {
        this.#exhausted = true;
        return;
      }
      const batch = next.value;
      // Rows an earlier invocation ended are not run again; they still count for the low-water mark.
      const queue = batch.rows.filter((row) => !outputs.terminal.has(row.rowId));
      if (queue.length > 0)
        log.info(
          { event: 'batch_start', phase, batch_id: batch.id, rows: queue.length, skipped: batch.rows.length - queue.length },
          `${batch.id} start`,
        );
      this.#lowWater.track(batch.rows.map((row) => row.rowId));
      this.#open.push({ id: batch.id, queue, inFlight: 0, started: false, tally: new BatchTally() });
    }
  }

  /**
   * Ends, in file order, every leading batch with no row waiting or in flight: checkpoint (the
   * outputs fsynced first, by `saveCheckpoint`), batch_end, end-of-batch breaker. A batch that started no row
   * in this invocation (all ended earlier) only moves the mark.
   */
  async #finalizeInOrder(): Promise<void> {
    const { config, log, phase } = this.#run;
    for (let batch = this.#open[0]; batch && batch.queue.length === 0 && batch.inFlight === 0; batch = this.#open[0]) {
      const mark = this.#lowWater.settleFirst();
      this.#open.shift();
      const tally = batch.tally;
      if (tally.processed === 0) continue;
      await this.#run.saveCheckpoint(mark);
      // Measured from the end of the save: rows ending while it is under way take a timed
      // checkpoint of their own before their slot is freed (as they always have).
      this.#lastCheckpointAt = Date.now();
      log.info(
        {
          event: 'batch_end',
          phase,
          batch_id: batch.id,
          processed: tally.processed,
          success: tally.success,
          pending: tally.pending,
          by_reason: tally.byReason,
          last_row_id: mark,
          concurrency: this.#run.concurrency(),
        },
        `${batch.id} end`,
      );
      this.#run.onBatchEnd?.(batch.id, tally);
      if (tally.trips(config.circuitBreakerThreshold)) {
        log.fatal(
          {
            event: 'circuit_breaker',
            phase,
            batch_id: batch.id,
            processed: tally.processed,
            by_reason: tally.byReason,
            threshold: config.circuitBreakerThreshold,
          },
          'circuit breaker tripped: the org is refusing this run',
        );
        this.#stop ??= { end: 'aborted_breaker', detail: `circuit breaker in ${batch.id}: ${JSON.stringify(tally.byReason)}` };
      }
    }
  }

  /** Starts rows while a slot is free and a row may start, or until a stop (deadline, bound). */
  #startRunnable(): void {
    const { config, counters } = this.#run;
    while (!this.#stop && !this.#failure && this.#slotsTaken() < Math.max(1, this.#run.concurrency())) {
      if (config.deadline !== undefined && Date.now() >= config.deadline) {
        this.#stop = { end: 'time_budget', detail: 'time budget reached' };
        return;
      }
      const picked = this.#pickRunnable();
      if (!picked) return;
      const { batch, row, lock } = picked;
      counters.rows++;
      if (!batch.started) {
        batch.started = true;
        counters.batches++;
      }
      this.#locked.add(lock);
      this.#running.set(row.rowId, row);
      batch.inFlight++;
      this.#inFlight++;
      void this.#run.runRow(row, this.#park).then((outcome) => this.#complete(batch, row, lock, outcome));
    }
  }

  /**
   * The first row, in file order over the open batches, whose entity is not locked by a row in
   * flight and that does not wait on a row of the previous phase; taken out of its batch's queue.
   * Undefined when none may start now, or when starting it would pass MAX_ROWS or MAX_BATCHES
   * (then the phase stops).
   */
  #pickRunnable(): Picked | undefined {
    const { lockKey, held } = this.#run;
    for (const batch of this.#open) {
      const i = batch.queue.findIndex((row) => !this.#locked.has(lockKey(row)) && !held?.(row));
      if (i < 0) continue;
      const bound = this.#boundReached(batch);
      if (bound) {
        this.#stop = { end: 'bound_reached', detail: bound };
        return undefined;
      }
      const row = batch.queue.splice(i, 1)[0]!;
      return { batch, row, lock: lockKey(row) };
    }
    return undefined;
  }

  /** Whether starting one more row (of `batch`) would exceed MAX_ROWS or MAX_BATCHES. */
  #boundReached(batch: OpenBatch): string | undefined {
    const { config, counters } = this.#run;
    if (counters.rows >= config.maxRows) return `MAX_ROWS=${config.maxRows} rows started in this invocation`;
    if (!batch.started && counters.batches >= config.maxBatches)
      return `MAX_BATCHES=${config.maxBatches} batches started in this invocation`;
    return undefined;
  }

  /** A row waits without its slot (settling an unknown outcome): another row may start meanwhile. */
  readonly #park: Park = async (ms) => {
    this.#parked++;
    this.#wake();
    try {
      await sleep(ms);
    } finally {
      this.#parked--;
    }
  };

  /**
   * A row ended: its outcome written (exactly once), counted, the early-stop breaker checked, and
   * a time-based checkpoint taken when one is due; then its slot and lock are freed.
   */
  async #complete(batch: OpenBatch, row: ExecRow, lock: string, outcome: RowOutcome): Promise<void> {
    const { config, log, outputs, phase } = this.#run;
    try {
      if (outputs.terminal.has(row.rowId)) {
        log.fatal({ event: 'invariant_breach', row_id: row.rowId }, 'a row finished twice; the second outcome is not written');
      } else {
        await outputs.write(row, phase, batch.id, outcome);
        // Ended from here on: the next phase reads `unfinished()` while this row may still be
        // saving a checkpoint below, and must not wait for a row whose end it has already heard.
        this.#running.delete(row.rowId);
        batch.tally.add(outcome);
        this.#tokenStreak.add(outcome);
        this.#run.onRowDone(row, outcome, batch.id);
      }
      this.#lowWater.end(row.rowId);
      const window = earlyStopWindow(config.batchSize, this.#run.concurrency());
      if (!this.#stop && this.#tokenStreak.hopeless(window)) {
        this.#stop = {
          end: 'aborted_breaker',
          detail: `every one of the last ${window} rows failed on the token (auth_invalid or permission_denied) (${JSON.stringify(batch.tally.byReason)})`,
        };
        log.fatal(
          {
            event: 'circuit_breaker',
            phase,
            batch_id: batch.id,
            processed: batch.tally.processed,
            by_reason: batch.tally.byReason,
            early: true,
          },
          'circuit breaker tripped mid-batch: every recent row failed on the token (revoked, expired or without the scopes)',
        );
      }
      if (Date.now() - this.#lastCheckpointAt >= config.checkpointEveryMs) {
        this.#lastCheckpointAt = Date.now();
        await this.#run.saveCheckpoint(this.#lowWater.value);
      }
    } catch (error) {
      this.#fail(error);
    } finally {
      batch.inFlight--;
      this.#inFlight--;
      this.#locked.delete(lock);
      this.#running.delete(row.rowId);
      this.#wake();
    }
  }
}
