import { foldLocationKey } from '@wbp/csv-contract';
import { checkpointAttempt, checkResume, readCheckpoint, writeCheckpoint, type Checkpoint, type ResumeDecision } from '@wbp/state';
import { plannedAttempt } from './attempt.js';
import type { ExecutorConfig } from './config.js';
import { LocationDirectory } from './location-directory.js';
import type { RunLogger } from './logger.js';
import { OrgCache } from './org-cache.js';
import type { EntityType, Phase, RowOutcome } from './outcome.js';
import { openOutputs, type RunOutputs } from './outputs.js';
import { startPhase, type PhaseHandle } from './phase-runner.js';
import type { WebexPort } from './port.js';
import { settingEntry } from './steps/settings-registry.js';
import { field, type ExecRow } from './row.js';
import type { AssignmentHint, RowEnv, StepEnv } from './steps/env.js';
import { sendingApplyPoint } from './steps/apply-point.js';
import { processAssignment } from './steps/assignment.js';
import { processLocation } from './steps/location.js';
import { processUser } from './steps/user.js';
import { reopenTokenFailures } from './token-retry.js';
import { runSteps, type StepTrail } from './trail.js';

export type ExecutionStatus = 'completed' | 'aborted_breaker' | 'time_budget' | 'bound_reached' | 'hash_mismatch' | 'version_mismatch';

export interface ExecutionResult {
  status: ExecutionStatus;
  /**
   * The attempt this invocation ran or resumed: 1, then N+1 for each re-run of a finished run's
   * pending rows. When nothing was pending (`nothingPending`), the attempt that had finished.
   */
  attempt: number;
  /** The run had finished and no row's latest outcome was pending: nothing was started, no checkpoint written. */
  nothingPending?: boolean;
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
  /** Current concurrency limit; defaults to `config.concurrency` (the client's rate controller plugs in here: rows worth having in flight at the learnt pace). */
  concurrency?: () => number;
  onRowDone?: (row: ExecRow, outcome: RowOutcome) => void;
  /** Receives a function listing the rows in flight and their current step (for diagnostics). */
  exposeInFlight?: (list: () => { rowId: number; step: string; seconds: number }[]) => void;
  /** Requests sent so far (counted by the caller from client events), for the per-phase log. */
  requestCount?: () => number;
  /** The org lookups, already made by the caller (the runner makes them part of its startup checks); loaded here when absent. */
  orgCache?: OrgCache;
  /** Scrubs secrets from the text written into results.csv / pending_rows.csv (message, reason_message). */
  redact?: (text: string) => string;
  /**
   * The checkpoint decision (`checkResume`), when the caller has already made it: the runner makes
   * it before its startup checks (to skip them when nothing is pending) and hands it over, so the
   * checkpoint is read and decided once. Read and decided here when absent.
   */
  resume?: ResumeDecision;
}

const PHASES: readonly { phase: Phase; entityType: EntityType; name: string }[] = [
  { phase: 1, entityType: 'location', name: 'locations' },
  { phase: 2, entityType: 'user', name: 'users_existing_calling' },
  { phase: 3, entityType: 'extension_assignment', name: 'extensions_numbers_settings' },
];

export const PROCESSORS: Record<EntityType, (row: ExecRow, env: RowEnv, trail: StepTrail) => ReturnType<typeof processLocation>> = {
  location: processLocation,
  user: processUser,
  extension_assignment: processAssignment,
};

/**
 * Rows touching the same remote entity never run at once: one location (by name, folded as the
 * org cache keeps it), or one person.
 */
function lockKey(row: ExecRow): string {
  return row.entityType === 'location' ? `location:${foldLocationKey(field(row, 'location_name') ?? '')}` : `person:${field(row, 'email')}`;
}

/** The entity a row of phase 1 or 2 provides to later phases. */
function dependencyKey(row: ExecRow): string {
  return lockKey(row);
}

/** The entity of the previous phase a row needs: a user row its location, an assignment row its person. */
function dependsOn(row: ExecRow, directory: LocationDirectory): string {
  return row.entityType === 'user'
    ? `location:${foldLocationKey(directory.nameFor(field(row, 'location_key') ?? ''))}`
    : `person:${field(row, 'email')}`;
}

export async function buildIndexes(
  input: Pick<ExecutionInput, 'rows'>,
): Promise<{ directory: LocationDirectory; assignments: Map<string, AssignmentHint> }> {
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
    assignments.set(email, {
      rowId: row.rowId,
      locationKey: field(row, 'location_key') ?? '',
      extension: field(row, 'extension'),
      phoneNumber: field(row, 'phone_number'),
      callerIdSelected: field(row, 'caller_id_selected'),
    });
  }
  for await (const row of input.rows('user')) {
    const hint = assignments.get(field(row, 'email') ?? '');
    const ecbn = field(row, 'calling_settings_ecbn');
    if (hint?.phoneNumber && ecbn && settingEntry('emergencyCallbackNumber').needsDirectNumber?.(ecbn)) {
      hint.finalEcbn = { userRowId: row.rowId, selected: ecbn };
    }
  }
  return { directory, assignments };
}

/**
 * Runs the three phases strictly in order, batch by batch, rows concurrently within a batch.
 * Every row ends with exactly one results.csv line per attempt (pending rows also in
 * pending_rows.csv), written as soon as it ends; the checkpoint's `last_row_id` is the low-water
 * mark of rows whose outputs are on disk and is written only after those outputs are fsynced.
 *
 * Attempts: a checkpoint whose attempt has not finished is resumed (a crash, a cancel, a spent
 * time budget); once every row of attempt N has its line the checkpoint says so
 * (`attempt_finished_at`), and the next invocation runs attempt N+1 over exactly the rows whose
 * latest line is pending, through the same phases and lookups; rows an earlier attempt ended
 * success are skipped like finished rows on a resume.
 */
export async function execute(input: ExecutionInput): Promise<ExecutionResult> {
  const { config, log } = input;
  const decision =
    input.resume ??
    checkResume(await readCheckpoint(input.outDir), { inputHash: input.inputHash, pipelineVersion: config.pipelineVersion });
  if (decision.kind === 'hash_mismatch' || decision.kind === 'version_mismatch') {
    log.fatal(
      { event: 'resume_refused', ...decision },
      'checkpoint belongs to a different CSV or pipeline version; outputs left untouched',
    );
    return {
      status: decision.kind,
      attempt: checkpointAttempt(await readCheckpoint(input.outDir)),
      success: 0,
      pending: 0,
      byReason: {},
      skipped: 0,
      detail: JSON.stringify(decision),
    };
  }
  const now = new Date().toISOString();
  /** The checkpoint being resumed (an attempt that has not finished); none for a new attempt. */
  const resuming = decision.kind === 'resume' ? decision : undefined;
  const { attempt } = plannedAttempt(decision);
  const startedAt = decision.kind === 'fresh' ? now : decision.checkpoint.started_at;
  const attemptStartedAt = resuming ? (resuming.checkpoint.attempt_started_at ?? resuming.checkpoint.started_at) : now;
  if (resuming) {
    const reopened = await reopenTokenFailures(input.outDir, resuming.phase, attempt);
    if (reopened.length > 0)
      log.info(
        { event: 'token_failures_reopened', attempt, rows: reopened.length, row_ids: reopened.slice(0, 50) },
        `resume: ${reopened.length} row(s) that ended pending on the token are tried again`,
      );
  }
  const outputs = await openOutputs(
    input.outDir,
    attempt,
    (rowId) =>
      log.warn({ event: 'results_line_completed', row_id: rowId }, 'completed a results.csv line from pending_rows.csv after a crash'),
    input.redact,
  );
  const result: ExecutionResult = { status: 'completed', attempt, success: 0, pending: 0, byReason: {}, skipped: 0 };
  try {
    if (decision.kind === 'finished' && outputs.pendingRows === 0) {
      // The run finished and every row's latest outcome is success: an attempt would send nothing.
      log.info(
        { event: 'nothing_pending', attempt: decision.attempt },
        `attempt ${decision.attempt} finished and no row is pending: nothing to re-run`,
      );
      return { ...result, attempt: decision.attempt, nothingPending: true };
    }
    if (resuming) {
      log.info(
        { event: 'resume', attempt, phase: resuming.phase, next_row_id: resuming.nextRowId, terminal_rows: outputs.terminal.size },
        `resuming attempt ${attempt} from checkpoint`,
      );
    } else {
      log.info(
        { event: 'attempt_start', attempt, rows: attempt === 1 ? null : outputs.pendingRows },
        attempt === 1
          ? 'attempt 1 start'
          : `attempt ${attempt} start: the ${outputs.pendingRows} row(s) whose latest outcome is pending are tried again`,
      );
    }
    const cache = input.orgCache ?? (await OrgCache.load(input.port, config.callingLicenceId));
    log.info(
      {
        event: 'calling_licences',
        pinned: config.callingLicenceId ?? null,
        candidates: cache.licences.entries.map((e) => ({
          id: e.id,
          name: e.name,
          subscription_id: e.subscriptionId ?? null,
          free_units: e.unitsLeft,
        })),
        free_units: cache.licences.unitsLeft,
      },
      cache.licences.emptyReason ??
        `${cache.licences.entries.length} Calling licence entr${cache.licences.entries.length === 1 ? 'y' : 'ies'}, ${cache.licences.unitsLeft} free unit(s)`,
    );
    const { directory, assignments } = await buildIndexes(input);
    const env: StepEnv = {
      port: input.port,
      apply: sendingApplyPoint(input.port),
      cache,
      directory,
      assignments,
      knownLines: new Map(),
      compensate: config.enableSafeCompensation,
      settle: config.settle,
      critical: (event, details) => log.fatal({ event, ...details }, event),
      note: (event, details) => log.warn({ event, ...details }, event),
    };
    const save = async (phase: Phase, lastRowId: number, finished = false): Promise<void> => {
      await outputs.sync();
      const updatedAt = new Date().toISOString();
      const checkpoint: Checkpoint = {
        pipeline_version: config.pipelineVersion,
        input_hash: input.inputHash,
        phase,
        last_row_id: lastRowId,
        started_at: startedAt,
        updated_at: updatedAt,
        attempt,
        attempt_started_at: attemptStartedAt,
        ...(finished ? { attempt_finished_at: updatedAt } : {}),
      };
      await writeCheckpoint(input.outDir, checkpoint);
      result.checkpoint = checkpoint;
    };
    // A new attempt is on disk before its first row: a crash from here on resumes this attempt
    // (it does not start another one), and a crash before it starts this same attempt again.
    if (decision.kind === 'finished') await save(1, 0);
    const counters = { rows: 0, batches: 0 };
    /** Rows in flight and the step each is in: what `inFlightRows()` reports (SIGUSR2 in the runner). */
    const inFlight = new Map<number, { trail: StepTrail; started: number }>();
    input.exposeInFlight?.(() =>
      [...inFlight].map(([rowId, { trail, started }]) => ({
        rowId,
        step: trail.current,
        seconds: Math.round((Date.now() - started) / 1000),
      })),
    );
    const firstPhase = resuming ? resuming.phase : 1;

    /**
     * Phases run in order, but the next one starts as soon as the current one has nothing left to
     * start (its last rows may be waiting on a slow answer or settling an unknown outcome): its rows
     * that depend on a row still in flight (the same location, the same person) wait for it, the
     * others go on, so the tail of one phase does not idle the run. At most
     * two phases run at once, and the checkpoint never moves to a phase before the previous one
     * has ended.
     */
    let checkpointPhase: Phase = firstPhase;
    const saveFor = (phase: Phase) => (lastRowId: number) => (phase === checkpointPhase ? save(phase, lastRowId) : Promise.resolve());
    interface Running {
      phase: Phase;
      name: string;
      handle: PhaseHandle;
      counts: { success: number; pending: number; skipped: number };
      requestsAtStart: number;
      /** Keys of rows that have not ended, once the phase released the next one (shrinks only). */
      holding?: Set<string>;
      /** Set once the phase has ended: it holds nothing and counts against no limit from then on. */
      ended?: boolean;
      next?: PhaseHandle;
    }
    const finish = async (run: Running): Promise<boolean> => {
      const { end, detail } = await run.handle.done;
      // Whatever is still in `holding` can no longer end (a row that wrote no outcome): let go of it.
      run.ended = true;
      run.holding = new Set();
      run.next?.wake();
      log.info(
        {
          event: 'phase_end',
          phase: run.phase,
          name: run.name,
          end,
          ...run.counts,
          requests: (input.requestCount?.() ?? 0) - run.requestsAtStart,
        },
        `phase ${run.phase} (${run.name}) end`,
      );
      if (end !== 'completed') {
        if (result.status === 'completed') {
          result.status = end;
          result.detail = detail;
          log.warn({ event: 'controlled_stop', status: end, detail }, detail ?? end);
        }
        run.next?.stop(end, detail);
        return false;
      }
      // The checkpoint never moves past a phase that stopped the run.
      if (run.phase < 3 && result.status === 'completed') {
        checkpointPhase = (run.phase + 1) as Phase;
        // The next phase may be under way (or already stopped), its saves skipped until now.
        await save(checkpointPhase, run.next?.lowWater() ?? 0);
      }
      return true;
    };
    let previous: Running | undefined;
    /** The last phase started: once it has completed, the attempt has finished. */
    let last: Running | undefined;
    for (const { phase, entityType, name } of PHASES) {
      if (phase < firstPhase) {
        // Finished by an earlier invocation: counted, not touched.
        for await (const _ of input.rows(entityType)) result.skipped++;
        continue;
      }
      if (previous) {
        const settled = previous.handle.done.then(
          () => false,
          () => false,
        );
        const overlap = await Promise.race([previous.handle.released.then(() => true), settled]);
        if (overlap) previous.holding = new Set(previous.handle.unfinished().map(dependencyKey));
        else {
          const finished = previous;
          previous = undefined;
          if (!(await finish(finished))) break;
        }
      }
      const before = previous;
      log.info({ event: 'phase_start', phase, name }, `phase ${phase} (${name}) start`);
      const counts = { success: 0, pending: 0, skipped: 0 };
      // `handle` is set just below; rows end (and read `current`) only after startPhase has returned.
      const current = { phase, name, counts, requestsAtStart: input.requestCount?.() ?? 0 } as Running;
      const handle = startPhase({
        phase,
        rows: (async function* () {
          for await (const row of input.rows(entityType)) {
            if (outputs.terminal.has(row.rowId)) {
              result.skipped++;
              counts.skipped++;
            }
            yield row;
          }
        })(),
        startMark: resuming && phase === resuming.phase ? resuming.nextRowId - 1 : 0,
        config,
        outputs,
        log,
        // One limit for the rows of both phases while they overlap.
        concurrency: () => (input.concurrency?.() ?? config.concurrency) - (before && !before.ended ? before.handle.active() : 0),
        lockKey,
        held: before ? (row) => before.holding!.has(dependsOn(row, directory)) : undefined,
        runRow: async (row, park) => {
          const started = Date.now();
          const rowEnv: RowEnv = { ...env, park };
          try {
            return await runSteps(
              (trail) => PROCESSORS[entityType](row, rowEnv, trail),
              (trail) => inFlight.set(row.rowId, { trail, started }),
            );
          } finally {
            inFlight.delete(row.rowId);
          }
        },
        counters,
        saveCheckpoint: saveFor(phase),
        onRowDone: (row, outcome, batchId) => {
          countOutcome(result, outcome);
          if (outcome.status === 'success') counts.success++;
          else counts.pending++;
          if (outcome.status === 'pending') {
            log.warn(
              {
                event: 'row_pending',
                row_id: row.rowId,
                batch_id: batchId,
                entity_key: row.entityKey,
                step: outcome.step,
                reason_code: outcome.reasonCode,
                http_status: outcome.httpStatus,
                tracking_id: outcome.trackingId,
              },
              outcome.message,
            );
          }
          input.onRowDone?.(row, outcome);
          if (current.holding?.delete(dependencyKey(row))) current.next?.wake();
        },
      });
      current.handle = handle;
      // `done` is awaited by finish(), possibly only after the previous phase has ended: a row that
      // fails this phase meanwhile must not count as an unhandled rejection (finish() still sees it).
      handle.done.catch(() => undefined);
      previous = current;
      last = current;
      if (before) {
        before.next = handle;
        let ok: boolean;
        try {
          ok = await finish(before);
        } catch (err) {
          // The earlier phase failed: let the rows this one has in flight end before the error leaves.
          handle.stop('aborted_breaker', 'an earlier phase failed');
          await handle.done.catch(() => undefined);
          throw err;
        }
        if (!ok) {
          previous = undefined;
          await finish(current);
          break;
        }
      }
    }
    if (previous) await finish(previous);
    if (result.status === 'completed' && last) {
      // Every row of this attempt has its line: say so, so the next invocation starts attempt + 1
      // instead of resuming this one. A crash before this write resumes the attempt, which finds
      // nothing left to run and writes it then.
      await save(last.phase, last.handle.lowWater(), true);
      log.info({ event: 'attempt_end', attempt, success: result.success, pending: result.pending }, `attempt ${attempt} finished`);
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

export type { RunOutputs };
