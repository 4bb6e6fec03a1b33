import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ContractConfigError, CsvFileError, READY_FILE, validateCsvFile, type ReadyRow } from '@wbp/csv-contract';
import { DEFAULT_EXECUTOR_CONFIG, execute, type EntityType, type ExecRow, type ExecutionStatus, type RunLogger } from '@wbp/executor-core';
import { CheckpointCorruptError, checkResume, ManifestCorruptError, OutDirLockedError, readCheckpoint, sha256File, type ResumeDecision } from '@wbp/state';
import { createRedactor, createWebexClient, type ClientEvent, type WebexClientOptions } from '@wbp/webex-client';
import { OutputCorruptError } from '@wbp/files';
import type { Command } from '../command.js';
import { parseDefaults } from '../default-flags.js';
import { parseCommandArgs, redactingIo, UsageError, type CliIo } from '../io.js';
import { fsReason, unreadableFile, unusableOutDir } from '../paths.js';
import { parseDuration } from '../run/duration.js';
import { readRunEnv, redactedConfig, zeroBudget } from '../run/env-config.js';
import { exitFor, EXIT_MEANING, RUN_EXIT } from '../run/exit-status.js';
import { fileLogger } from '../run/logger.js';
import { OutDirMismatchError, prepareOutDir, type PreparedOutDir } from '../run/out-dir.js';
import { Progress } from '../run/progress.js';
import { watchSignals, type RunSignals } from '../run/signals.js';
import { startupChecks, startupClient } from '../run/startup-checks.js';
import { publishSummary, summarise } from '../run/summary.js';
import { refreshingToken } from '../run/token-refresh.js';

const USAGE = `usage: wbp run <csv> [--out DIR] [--time-budget 5h30m] [--progress auto|tty|lines|off]
               [--default column=value]... [--plan DIR/plan.json]

Provisions a site CSV in the Webex org of $WEBEX_TOKEN: validates it (rejected rows never reach
the API), runs the startup checks, then phases 1–3. If DIR holds a checkpoint of the same CSV the
run resumes from it; if that run had finished, the rows that ended pending are tried again (the
next attempt). Configuration comes from the environment (docs/configuration.md).
--default column=value: the same explicit defaults as wbp validate (input_schema.md).
--plan DIR/plan.json: a plan made by wbp plan; the run refuses (status 20, nothing sent) unless the
CSV's sha256 and ENVIRONMENT are the plan's.

Exit statuses: ${Object.entries(EXIT_MEANING)
  .map(([k, v]) => `${k} ${v}`)
  .join('; ')}.`;

const PROGRESS_MODES = ['auto', 'tty', 'lines', 'off'];

function countBy(items: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of items) out[i] = (out[i] ?? 0) + 1;
  return out;
}

function toExecRow(r: ReadyRow): ExecRow {
  const { row_id, ...fields } = r;
  return { rowId: row_id, entityType: r.entity_type as EntityType, entityKey: r.entity_key, fields };
}

export const runCommand: Command = {
  name: 'run',
  summary: 'provision a site CSV against Webex (validate, startup checks, phases 1–3, resume)',
  usage: USAGE,
  async run(argv, io) {
    // First thing: from here on a SIGTERM, SIGINT or SIGUSR2 neither kills the process nor is lost.
    const signals = watchSignals();
    try {
      return await provision(argv, io, signals);
    } finally {
      signals.dispose();
    }
  },
};

async function provision(argv: readonly string[], rawIo: CliIo, signals: RunSignals): Promise<number> {
  const since: StartupMarks = { command: performance.now() }; // for run.log's rows_start line
  const { values, positionals } = parseCommandArgs(argv, {
    out: { type: 'string' },
    'time-budget': { type: 'string' },
    progress: { type: 'string', default: 'auto' },
    default: { type: 'string', multiple: true, default: [] },
    plan: { type: 'string' },
  });
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'missing <csv>' : `give exactly one CSV file, got ${positionals.length}`);
  if (!PROGRESS_MODES.includes(values.progress)) throw new UsageError(`--progress must be ${PROGRESS_MODES.join(', ')}, not ${JSON.stringify(values.progress)}`);
  const defaults = parseDefaults(values.default);
  const flagBudget = values['time-budget'];
  const flagBudgetMs = flagBudget === undefined ? undefined : parseDuration(flagBudget);
  if (flagBudget !== undefined && flagBudgetMs === undefined) throw new UsageError(`--time-budget ${JSON.stringify(flagBudget)} must look like 5h30m, 90m or 45s`);
  if (flagBudgetMs === 0) throw new UsageError(zeroBudget('--time-budget'));

  // One scrubber for every sink (stdout, stderr, run.log, results, summaries), from before the
  // configuration is read; tokens refreshed during the run are added as they come.
  const redact = createRedactor([rawIo.env.WEBEX_TOKEN, rawIo.env.WEBEX_REFRESH_TOKEN, rawIo.env.WEBEX_CLIENT_SECRET]);
  const io = redactingIo(rawIo, redact);
  const fail = (status: number, message: string) => {
    io.stderr(`wbp run: ${message}\n`);
    return status;
  };
  const csv = resolve(io.cwd, positionals[0]!);
  const config = readRunEnv(io.env);
  if (!config.ok) {
    io.stderr(`wbp run: configuration is not valid:\n${config.problems.map((p) => `  - ${p}`).join('\n')}\n`);
    return RUN_EXIT.configOrStartupFailed;
  }
  const { env, serviceApp } = config;
  const outArg = values.out ?? env.OUTPUT_DIR;
  if (!outArg) throw new UsageError('give --out DIR or set OUTPUT_DIR');
  const outDir = resolve(io.cwd, outArg);
  const budget = flagBudget ?? env.TIME_BUDGET;
  const budgetMs = budget === undefined ? undefined : parseDuration(budget);
  const startedAt = Date.now();
  const outProblem = await unusableOutDir(outDir);
  if (outProblem) return fail(RUN_EXIT.configOrStartupFailed, `--out ${outArg} ${outProblem}; nothing was done`);
  const unreadable = await unreadableFile(csv);
  if (unreadable) return fail(RUN_EXIT.configOrStartupFailed, `cannot read the CSV: ${positionals[0]} ${unreadable}; nothing was done`);
  const csvSha256 = await sha256File(csv);
  if (values.plan !== undefined) {
    // A reviewed plan applies only to the CSV and the environment it was made for.
    const refusal = await planRefusal(resolve(io.cwd, values.plan), csvSha256, env.ENVIRONMENT);
    if (refusal) return fail(RUN_EXIT.configOrStartupFailed, `--plan ${values.plan}: ${refusal}; nothing was sent`);
  }
  // One run per folder, outputs that provably belong to this CSV: before anything is written there
  // (the logger included, which is created under the folder's umask).
  let od: PreparedOutDir;
  try {
    od = await prepareOutDir(outDir, { inputSha256: csvSha256, pipelineVersion: env.PIPELINE_VERSION, defaults: values.default, command: 'wbp run', mode: env.OUTPUT_MODE });
  } catch (err) {
    const refused = outDirRefusal(err);
    if (!refused) throw err;
    return fail(refused, `${err instanceof Error ? err.message : String(err)}; nothing was done`);
  }
  let log: RunLogger;
  try {
    log = fileLogger(join(outDir, 'run.log'), env.LOG_LEVEL, redact);
  } catch (err) {
    await od.release();
    return fail(RUN_EXIT.configOrStartupFailed, `cannot write the log: ${join(outArg, 'run.log')} ${fsReason(err)}; nothing was done`);
  }

  const token = serviceApp
    ? refreshingToken(
        env.WEBEX_TOKEN,
        serviceApp,
        env.WEBEX_BASE_URL,
        (ok, detail) => (ok ? log.info({ event: 'token_refresh', ok }, detail) : log.error({ event: 'token_refresh', ok }, detail)),
        (secret) => {
          redact.add(secret);
          // Unredacted on purpose: this line is what tells Actions to mask the secret.
          if (io.env.GITHUB_ACTIONS === 'true') rawIo.stdout(`::add-mask::${secret}\n`);
        },
      )
    : undefined;
  let requests = 0;
  const onEvent = (e: ClientEvent) => {
    if (e.type === 'request' || e.type === 'hedge') requests++;
    else if (e.type === 'retry') log.warn({ event: 'retry', method: e.method, path: e.path, attempt: e.attempt, retries_left: e.retriesLeft, http_status: e.status, failure: e.failure, tracking_id: e.trackingId }, 'retrying');
    else if (e.type === 'rate_limited' && e.newStorm) {
      // One line per storm: the other 429s of it are the same pause.
      const rate = client.rate.snapshot();
      log.warn({ event: 'rate_limited', path: e.path, retry_after_ms: e.retryAfterMs, concurrency: rate.concurrency, pace_per_s: rate.pacePerSecond, storms: rate.storms }, 'rate limited: every caller pauses once, then requests leave at the learnt pace');
    }
  };
  const clientOptions: WebexClientOptions = {
    token: token ? token.token : env.WEBEX_TOKEN,
    ...(token ? { refreshToken: token.refresh } : {}),
    baseUrl: env.WEBEX_BASE_URL,
    retries: env.MAX_RETRIES,
    requestTimeoutMs: env.REQUEST_TIMEOUT_SECONDS * 1000,
    connectTimeoutMs: env.CONNECT_TIMEOUT_SECONDS * 1000,
    rateControl: { startConcurrency: env.CONCURRENCY, maxConcurrency: env.CONCURRENCY_MAX },
    onEvent,
  };
  const client = createWebexClient(clientOptions);
  const startup = startupClient(clientOptions, client);

  let stage: 'validation' | 'startup_checks' | 'phases' = 'validation';
  let inFlightRows: () => unknown[] = () => [];
  signals.onStop((signal) =>
    log.warn({ event: 'signal', signal, stage }, stage === 'phases' ? `${signal}: finishing the rows in flight, then stopping with a checkpoint` : `${signal} during start-up (${stage}): stopping before any row`),
  );
  // `kill -USR2 <pid>`: log what every row in flight is doing (for a run that looks stuck).
  signals.onDiagnose(() =>
    log.warn(
      {
        event: 'in_flight',
        stage,
        rows: inFlightRows(),
        calls: [...startup.callsInFlight(), ...client.callsInFlight()],
        resources: countBy(process.getActiveResourcesInfo()),
        heap_used_mb: Math.round(process.memoryUsage().heapUsed / 1048576),
        rate: client.rate.snapshot(),
      },
      'rows in flight',
    ),
  );

  try {
    const decision = checkResume(await readCheckpoint(outDir), { inputHash: csvSha256, pipelineVersion: env.PIPELINE_VERSION });
    const planned = plannedAttempt(decision);
    log.info(
      { event: 'run_start', csv: positionals[0], csv_sha256: csvSha256, out: outArg, attempt: planned?.attempt ?? null, attempt_kind: planned?.kind ?? null, time_budget: budget ?? null, config: redactedConfig(env, serviceApp) },
      planned ? `run start (attempt ${planned.attempt}, ${planned.kind})` : 'run start',
    );

    /** Summaries, the run_end line and the one-line verdict: the end of every run that got this far. */
    const conclude = async (status: ExecutionStatus, detail: string | undefined, readyRows: number, attempt: number): Promise<number> => {
      const provisional = exitFor(status, false);
      const summary = await summarise(outDir, { csv: positionals[0]!, csvPath: csv, csvSha256, environment: env.ENVIRONMENT, attempt, exitStatus: provisional, readyRows, detail, startedAt });
      const allSuccess = summary.rows.pending === 0 && summary.rows.rejected === 0 && summary.rows.notYetProcessed === 0;
      summary.exitStatus = exitFor(status, allSuccess);
      summary.outcome = EXIT_MEANING[summary.exitStatus] ?? summary.outcome;
      await publishSummary(outDir, summary, io.env, redact);
      const rate = client.rate.snapshot();
      log.info(
        {
          event: 'run_end',
          status,
          attempt,
          exit_status: summary.exitStatus,
          rows: summary.rows,
          pending_by_reason: summary.pendingByReason,
          seconds: Math.round((Date.now() - startedAt) / 1000),
          requests,
          concurrency: rate.concurrency,
          peak_concurrency: rate.peakConcurrency,
          pace_per_s: rate.pacePerSecond,
          rate_limit_storms: rate.storms,
          peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
          heap_used_mb: Math.round(process.memoryUsage().heapUsed / 1048576),
        },
        'run end',
      );
      io.stdout(
        `${summary.outcome}: ${summary.rows.success} success, ${summary.rows.pending} pending, ${summary.rows.rejected} rejected` +
          `${summary.rows.notYetProcessed ? `, ${summary.rows.notYetProcessed} not yet processed` : ''} — outputs in ${outArg}\n`,
      );
      return summary.exitStatus;
    };
    /** A stop signal during start-up: no row started, so stop like a spent time budget (exit 40, resumable). */
    const stoppedInStartup = (readyRows: number) => conclude('time_budget', `${signals.stoppedBy} during start-up: stopped before any row`, readyRows, planned?.attempt ?? 1);

    if (decision.kind === 'hash_mismatch' || decision.kind === 'version_mismatch') {
      log.fatal({ event: 'resume_refused', ...decision }, 'checkpoint belongs to a different CSV or pipeline version');
      return fail(RUN_EXIT.abortedCheckpointMismatch, `${outArg}/checkpoint.json belongs to a different CSV or pipeline version (${decision.kind}); outputs left untouched — use a new --out folder`);
    }
    since.validation = performance.now();
    const reused = od.resume && existsSync(join(outDir, READY_FILE));
    if (!reused) {
      const v = await validateCsvFile(csv, outDir, { defaults }).catch((err: unknown) => {
        throw err instanceof ContractConfigError ? new UsageError(err.message) : err;
      });
      await od.recordValidation(v);
      log.info({ event: 'validation', rows: v.rows, ready: v.ready, rejected: v.rejected, by_reason: v.byReason }, 'validation done');
      io.stdout(`validated ${v.rows} rows: ${v.ready} ready, ${v.rejected} rejected\n`);
    }
    since.verify = performance.now();
    // Every output cross-checked (manifest, checkpoint, each other) before anything is appended.
    // ready_to_load.csv is read here once: `verified.ready` holds the bytes whose sha256 matched
    // the manifest, validated once (by validateCsvFile just now, or by verify() on a resume), and
    // every pass of the executor reads those bytes, not the file, and does not validate again.
    const verified = await od.verify();
    const readyRows = verified.readyRows;
    if (reused) log.info({ event: 'validation', reused: true, ready: readyRows }, 'resuming: ready_to_load.csv of the first invocation reused');
    if (signals.stoppedBy) return await stoppedInStartup(readyRows);
    if (decision.kind === 'finished' && verified.pendingRows === 0) {
      // Re-run of a run that finished with nothing pending: no attempt to start, so no request at
      // all (not even the startup checks); the exit status is the CSV's as it stands.
      log.info({ event: 'nothing_pending', attempt: decision.attempt }, `attempt ${decision.attempt} finished and no row is pending: nothing to re-run`);
      io.stdout(`nothing to re-run: attempt ${decision.attempt} finished and no row is pending; no request sent\n`);
      return await conclude('completed', `nothing to re-run: attempt ${decision.attempt} finished and no row is pending`, readyRows, decision.attempt);
    }

    stage = 'startup_checks';
    since.startupChecks = performance.now();
    const checks = await startupChecks(startup, client, log, env.WEBEX_CALLING_LICENSE_ID);
    await startup.close();
    if (!checks.ok) return fail(RUN_EXIT.configOrStartupFailed, `startup_checks=fail: ${checks.cause}; no row was processed`);
    if (signals.stoppedBy) return await stoppedInStartup(readyRows);

    stage = 'phases';
    since.executor = performance.now();
    const tty = values.progress === 'tty' || (values.progress === 'auto' && process.stderr.isTTY === true);
    // A re-run goes through the pending rows only: count progress against those.
    const progressTotal = decision.kind === 'finished' ? verified.pendingRows : readyRows;
    const progress = values.progress === 'off' ? undefined : new Progress(progressTotal, tty ? io.stderr : io.stdout, tty);
    const execConfig = {
      ...DEFAULT_EXECUTOR_CONFIG,
      batchSize: env.BATCH_SIZE,
      maxRows: env.MAX_ROWS,
      maxBatches: env.MAX_BATCHES,
      concurrency: env.CONCURRENCY,
      circuitBreakerThreshold: env.CIRCUIT_BREAKER_THRESHOLD,
      pipelineVersion: env.PIPELINE_VERSION,
      enableSafeCompensation: env.ENABLE_SAFE_COMPENSATION,
      settle: { ...DEFAULT_EXECUTOR_CONFIG.settle, windowMs: env.UNKNOWN_OUTCOME_SETTLE_SECONDS * 1000 },
      callingLicenceId: env.WEBEX_CALLING_LICENSE_ID,
      deadline: budgetMs === undefined ? undefined : startedAt + budgetMs,
    };
    // A cancelled job (SIGINT, then SIGTERM) stops like a spent time budget: no new row starts,
    // the rows in flight finish and are written, and the checkpoint is saved.
    signals.onStop(() => (execConfig.deadline = Date.now()));
    const result = await execute({
      outDir,
      inputHash: csvSha256,
      rows: (type) =>
        (async function* () {
          for await (const r of verified.ready.rows({ entityType: type, validate: false })) yield toExecRow(r);
        })(),
      port: client,
      orgCache: checks.org,
      redact,
      config: execConfig,
      log: withRowsStart(log, () => rowsStartLine(since, reused)),
      concurrency: () => client.rate.concurrency(),
      exposeInFlight: (list) => (inFlightRows = list),
      requestCount: () => requests,
      onRowDone: (_row, outcome) => progress?.row(outcome.status),
    });
    progress?.stop();
    return await conclude(result.status, result.detail, readyRows, result.attempt);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const refused = outDirRefusal(err);
    if (refused === RUN_EXIT.abortedCheckpointMismatch) {
      log.fatal({ event: 'resume_refused', error: err instanceof Error ? err.message : String(err) }, 'the outputs belong to another CSV, version or defaults');
      return fail(refused, `${err instanceof Error ? err.message : String(err)}; outputs left untouched`);
    }
    if (err instanceof CheckpointCorruptError || err instanceof OutputCorruptError || err instanceof ManifestCorruptError) {
      log.fatal({ event: 'corrupt_outputs', error: err.message }, 'corrupt outputs or checkpoint: aborting without repair');
      return fail(RUN_EXIT.abortedCorrupt, `${err.message} — nothing was repaired; inspect the file or start a new --out folder`);
    }
    if (err instanceof CsvFileError) {
      log.fatal({ event: 'input_invalid', error: err.message }, 'the CSV cannot be read as a whole');
      return fail(RUN_EXIT.configOrStartupFailed, err.message);
    }
    log.fatal({ event: 'internal_error', error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) }, 'internal error');
    return fail(RUN_EXIT.internalError, `internal error: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    await Promise.all([startup.close(), client.close(), od.release()]);
  }
}

/**
 * The attempt this invocation works on, from the checkpoint alone (run.log's `run_start`): the
 * first, the one to resume, or a re-run of the pending rows of a finished one (which starts only
 * if a row is pending: otherwise `nothing_pending` follows). Undefined for a checkpoint of another
 * CSV or version, which is refused.
 */
function plannedAttempt(decision: ResumeDecision): { attempt: number; kind: 'first' | 'resume' | 're_run' } | undefined {
  switch (decision.kind) {
    case 'fresh':
      return { attempt: 1, kind: 'first' };
    case 'resume':
      return { attempt: decision.attempt, kind: 'resume' };
    case 'finished':
      return { attempt: decision.attempt + 1, kind: 're_run' };
    default:
      return undefined;
  }
}

/** performance.now() (ms since process start) as `wbp run` reaches each start-up step. */
interface StartupMarks {
  command: number;
  validation?: number;
  verify?: number;
  startupChecks?: number;
  executor?: number;
}

/** run.log's `rows_start` line: how long start-up took (process start → first row) and where it went. */
function rowsStartLine(since: StartupMarks, reused: boolean): object {
  const now = performance.now();
  const span = (from: number | undefined, to: number | undefined) => (from === undefined || to === undefined ? null : Math.round(to - from));
  return {
    event: 'rows_start',
    startup_ms: Math.round(now),
    // node, tsx and loading the modules, before `wbp run` starts
    load_ms: Math.round(since.command),
    // arguments, configuration, the CSV's hash, the output folder's lock and manifest, run.log
    prepare_ms: span(since.command, since.validation),
    // validateCsvFile + recording it in manifest.json (0 when a resume reuses ready_to_load.csv)
    validation_ms: span(since.validation, since.verify),
    validation_reused: reused,
    // od.verify(): every output against the manifest, the checkpoint and each other (and, on a
    // resume, the one validation of the reused ready rows)
    verify_ms: span(since.verify, since.startupChecks),
    startup_checks_ms: span(since.startupChecks, since.executor),
    // the executor up to its first row: outputs opened, the indexes' passes, the first batch read
    executor_ms: span(since.executor, now),
  };
}

/**
 * The executor's logger, writing `line()` just before the first row starts: the executor logs
 * `batch_start` right before it starts the rows of a batch, so the line goes ahead of the first.
 */
function withRowsStart(log: RunLogger, line: () => object): RunLogger {
  let first = true;
  return {
    info(obj, msg) {
      if (first && (obj as { event?: unknown }).event === 'batch_start') {
        first = false;
        log.info(line(), 'first row starting');
      }
      log.info(obj, msg);
    },
    warn: (obj, msg) => log.warn(obj, msg),
    error: (obj, msg) => log.error(obj, msg),
    fatal: (obj, msg) => log.fatal(obj, msg),
  };
}

/** Why a plan made by `wbp plan` does not apply to this CSV and environment (undefined when it does). */
export async function planRefusal(planPath: string, csvSha256: string, environment: string): Promise<string | undefined> {
  let planned: { csvSha256?: unknown; environment?: unknown };
  try {
    planned = JSON.parse(await readFile(planPath, 'utf8')) as typeof planned;
  } catch (err) {
    return `cannot read the plan (${err instanceof SyntaxError ? 'not JSON' : fsReason(err)})`;
  }
  if (typeof planned !== 'object' || planned === null || typeof planned.csvSha256 !== 'string' || typeof planned.environment !== 'string') return 'not a plan.json written by wbp plan';
  if (planned.csvSha256 !== csvSha256) return `the plan was made for another CSV (sha256 ${planned.csvSha256}, this CSV ${csvSha256}): plan this CSV again`;
  if (planned.environment !== environment) return `the plan was made for ENVIRONMENT=${planned.environment}, this run is ENVIRONMENT=${environment}`;
  return undefined;
}

/** The exit status of a refusal by the output folder's guard, or undefined for any other error. */
function outDirRefusal(err: unknown): number | undefined {
  if (err instanceof OutDirLockedError) return RUN_EXIT.outDirLocked;
  if (err instanceof OutDirMismatchError) return RUN_EXIT.abortedCheckpointMismatch;
  if (err instanceof ManifestCorruptError || err instanceof OutputCorruptError || err instanceof CheckpointCorruptError) return RUN_EXIT.abortedCorrupt;
  return undefined;
}

export type { CliIo };
