import { checkResume, readCheckpoint, writeCheckpoint, type Checkpoint } from '@wbp/state';
import { batches } from './batches.js';
import { BatchTally } from './breaker.js';
import type { ExecutorConfig } from './config.js';
import { runKeyedPool } from './keyed-pool.js';
import { LocationDirectory } from './location-directory.js';
import type { RunLogger } from './logger.js';
import { OrgCache } from './org-cache.js';
import { PHASE_OF, type EntityType, type Phase, type RowOutcome } from './outcome.js';
import { openOutputs, type RunOutputs } from './outputs.js';
import type { WebexPort } from './port.js';
import { field, type ExecRow } from './row.js';
import type { AssignmentHint, StepEnv } from './steps/env.js';
import { processAssignment } from './steps/assignment.js';
import { processLocation } from './steps/location.js';
import { processUser } from './steps/user.js';
import { runSteps, type StepTrail } from './trail.js';

export type ExecutionStatus = 'completed' | 'aborted_breaker' | 'time_budget' | 'bound_reached' | 'hash_mismatch' | 'version_mismatch';

export interface ExecutionResult {
  status: ExecutionStatus;
  /** Rows that reached a terminal state in this invocation. */
  success: number;
  pending: number;
  byReason: Record<string, number>;
  /** Rows skipped because an earlier invocation already finished them. */
  skipped: number;
  checkpoint?: Checkpoint | undefined;
  detail?: string | undefined;
}

export interface ExecutionInput {
  outDir: string;
  inputHash: string;
  /** Streams the ready rows of one entity type in file order (called once per phase, plus once for the indexes). */
  rows: (entityType: EntityType) => AsyncIterable<ExecRow>;
  port: WebexPort;
  config: ExecutorConfig;
  log: RunLogger;
  /** Current concurrency limit; defaults to `config.concurrency` (the adaptive controller plugs in here). */
  concurrency?: () => number;
  onRowDone?: (row: ExecRow, outcome: RowOutcome) => void;
}

const PHASES: readonly { phase: Phase; entityType: EntityType; name: string }[] = [
  { phase: 1, entityType: 'location', name: 'locations' },
  { phase: 2, entityType: 'user', name: 'users_existing_calling' },
  { phase: 3, entityType: 'extension_assignment', name: 'extensions_numbers_settings' },
];

const PROCESSORS: Record<EntityType, (row: ExecRow, env: StepEnv, trail: StepTrail) => ReturnType<typeof processLocation>> = {
  location: processLocation,
  user: processUser,
  extension_assignment: processAssignment,
};

/** Rows touching the same remote entity never run at once: one location, or one person. */
function lockKey(row: ExecRow): string {
  return row.entityType === 'location' ? `location:${field(row, 'location_name')?.toLowerCase()}` : `person:${field(row, 'email')}`;
}

async function buildIndexes(input: ExecutionInput): Promise<{ directory: LocationDirectory; assignments: Map<string, AssignmentHint> }> {
  const directory = new LocationDirectory();
  for await (const row of input.rows('location')) {
    const name = field(row, 'location_name');
    if (name) {
      directory.add(field(row, 'location_key') ?? row.entityKey, name);
      directory.add(row.entityKey, name);
    }
  }
  const assignments = new Map<string, AssignmentHint>();
  for await (const row of input.rows('extension_assignment')) {
    const email = field(row, 'email');
    if (!email || assignments.has(email)) continue;
    assignments.set(email, { rowId: row.rowId, locationKey: field(row, 'location_key') ?? '', extension: field(row, 'extension'), phoneNumber: field(row, 'phone_number') });
  }
  return { directory, assignments };
}

/**
 * Runs the three phases strictly in order, batch by batch, rows concurrently within a batch.
 * Every row ends with exactly one results.csv line (pending rows also in pending_rows.csv),
 * written as soon as it ends; the checkpoint's `last_row_id` is the low-water mark of rows whose
 * outputs are on disk and is written only after those outputs are fsynced.
 */
export async function execute(input: ExecutionInput): Promise<ExecutionResult> {
  const { config, log } = input;
  const existing = await readCheckpoint(input.outDir);
  const decision = checkResume(existing, { inputHash: input.inputHash, pipelineVersion: config.pipelineVersion });
  if (decision.kind === 'hash_mismatch' || decision.kind === 'version_mismatch') {
    log.fatal({ event: 'resume_refused', ...decision }, 'checkpoint belongs to a different CSV or pipeline version; outputs left untouched');
    return { status: decision.kind, success: 0, pending: 0, byReason: {}, skipped: 0, detail: JSON.stringify(decision) };
  }
  const startedAt = decision.kind === 'resume' ? decision.checkpoint.started_at : new Date().toISOString();
  const outputs = await openOutputs(input.outDir, (rowId) => log.warn({ event: 'results_line_completed', row_id: rowId }, 'completed a results.csv line from pending_rows.csv after a crash'));
  const result: ExecutionResult = { status: 'completed', success: 0, pending: 0, byReason: {}, skipped: 0 };
  try {
    if (decision.kind === 'resume') {
      log.info({ event: 'resume', phase: decision.phase, next_row_id: decision.nextRowId, terminal_rows: outputs.terminal.size }, 'resuming from checkpoint');
    }
    const cache = await OrgCache.load(input.port);
    const { directory, assignments } = await buildIndexes(input);
    const env: StepEnv = {
      port: input.port,
      cache,
      directory,
      assignments,
      compensate: config.enableSafeCompensation,
      critical: (event, details) => log.fatal({ event, ...details }, event),
    };
    const save = async (phase: Phase, lastRowId: number): Promise<void> => {
      await outputs.sync();
      const checkpoint: Checkpoint = {
        pipeline_version: config.pipelineVersion,
        input_hash: input.inputHash,
        phase,
        last_row_id: lastRowId,
        started_at: startedAt,
        updated_at: new Date().toISOString(),
      };
      await writeCheckpoint(input.outDir, checkpoint);
      result.checkpoint = checkpoint;
    };
    const counters = { rows: 0, batches: 0 };
    const startPhase = decision.kind === 'resume' ? decision.phase : 1;

    for (const { phase, entityType, name } of PHASES) {
      if (phase < startPhase) {
        // Finished by an earlier invocation: counted, not touched.
        for await (const _ of input.rows(entityType)) result.skipped++;
        continue;
      }
      log.info({ event: 'phase_start', phase, name }, `phase ${phase} (${name}) start`);
      const phaseTally = new BatchTally();
      let lastDone = decision.kind === 'resume' && phase === decision.phase ? decision.nextRowId - 1 : 0;
      for await (const batch of batches(input.rows(entityType), phase, config.batchSize)) {
        if (++counters.batches > config.maxBatches) return await stop(result, 'bound_reached', `MAX_BATCHES=${config.maxBatches} reached`, () => save(phase, lastDone), log);
        counters.rows += batch.rows.length;
        if (counters.rows > config.maxRows) return await stop(result, 'bound_reached', `MAX_ROWS=${config.maxRows} reached`, () => save(phase, lastDone), log);
        const todo = batch.rows.filter((r) => !outputs.terminal.has(r.rowId));
        result.skipped += batch.rows.length - todo.length;
        if (todo.length === 0) {
          lastDone = batch.rows.at(-1)!.rowId;
          continue;
        }
        log.info({ event: 'batch_start', phase, batch_id: batch.id, rows: todo.length }, `${batch.id} start`);
        const tally = new BatchTally();
        const done = new Set<number>();
        let lastCheckpointAt = Date.now();
        let timeUp = false;
        /** Highest row id such that every row of the batch up to it is terminal (outputs written). */
        const lowWater = (): number => {
          let mark = lastDone;
          for (const r of batch.rows) {
            if (!outputs.terminal.has(r.rowId) && !done.has(r.rowId)) break;
            mark = r.rowId;
          }
          return mark;
        };
        await runKeyedPool(todo, {
          limit: input.concurrency ?? (() => config.concurrency),
          keyOf: lockKey,
          shouldStop: () => {
            if (config.deadline !== undefined && Date.now() >= config.deadline) timeUp = true;
            return timeUp || tally.hopeless(Math.min(25, batch.rows.length));
          },
          run: async (row) => {
            const outcome = await runSteps((trail) => PROCESSORS[entityType](row, env, trail));
            if (outputs.terminal.has(row.rowId)) {
              log.fatal({ event: 'invariant_breach', row_id: row.rowId }, 'a row finished twice; the second outcome is not written');
              return;
            }
            await outputs.write(row, phase, batch.id, outcome);
            done.add(row.rowId);
            tally.add(outcome);
            countOutcome(result, outcome);
            if (outcome.status === 'pending') {
              log.warn({ event: 'row_pending', row_id: row.rowId, batch_id: batch.id, entity_key: row.entityKey, step: outcome.step, reason_code: outcome.reasonCode, http_status: outcome.httpStatus, tracking_id: outcome.trackingId }, outcome.message);
            }
            input.onRowDone?.(row, outcome);
            if (Date.now() - lastCheckpointAt >= config.checkpointEveryMs) {
              lastCheckpointAt = Date.now();
              await save(phase, lowWater());
            }
          },
        });
        lastDone = lowWater();
        await save(phase, lastDone);
        phaseTally.processed += tally.processed;
        log.info({ event: 'batch_end', phase, batch_id: batch.id, processed: tally.processed, success: tally.success, pending: tally.pending, by_reason: tally.byReason, last_row_id: lastDone }, `${batch.id} end`);
        if (tally.trips(config.circuitBreakerThreshold)) {
          log.fatal({ event: 'circuit_breaker', phase, batch_id: batch.id, processed: tally.processed, by_reason: tally.byReason, threshold: config.circuitBreakerThreshold }, 'circuit breaker tripped: the org is refusing this run');
          result.status = 'aborted_breaker';
          result.detail = `circuit breaker in ${batch.id}: ${JSON.stringify(tally.byReason)}`;
          return result;
        }
        if (timeUp) return await stop(result, 'time_budget', 'time budget reached', () => save(phase, lastDone), log);
      }
      log.info({ event: 'phase_end', phase, name, processed: phaseTally.processed }, `phase ${phase} (${name}) end`);
      if (phase < 3) await save((phase + 1) as Phase, 0);
    }
    return result;
  } finally {
    await outputs.close();
  }
}

function countOutcome(result: ExecutionResult, outcome: RowOutcome): void {
  if (outcome.status === 'success') result.success++;
  else {
    result.pending++;
    result.byReason[outcome.reasonCode] = (result.byReason[outcome.reasonCode] ?? 0) + 1;
  }
}

async function stop(result: ExecutionResult, status: ExecutionStatus, detail: string, save: () => Promise<void>, log: RunLogger): Promise<ExecutionResult> {
  await save();
  log.warn({ event: 'controlled_stop', status, detail }, detail);
  result.status = status;
  result.detail = detail;
  return result;
}

export type { RunOutputs };
