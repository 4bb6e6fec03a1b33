import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ContractConfigError, CsvFileError, READY_FILE, validateCsvFile } from '@wbp/csv-contract';
import {
  execRowOf,
  execute,
  plannedAttempt,
  type ExecutionStatus,
  type OrgCache,
  type ExecutorConfig,
  type RunLogger,
  type UsableDecision,
} from '@wbp/executor-core';
import { CheckpointCorruptError, checkResume, ManifestCorruptError, OutDirLockedError, readCheckpoint, sha256File } from '@wbp/state';
import type { Redactor } from '@wbp/webex-client/internal';
import { OutputCorruptError } from '@wbp/files';
import type { Command } from '../command.js';
import { parseDefaults } from '../default-flags.js';
import { parseCommandArgs, UsageError, type CliIo } from '../io.js';
import { fsReason } from '../paths.js';
import { checkPaths, internalError, openLog, readConfig, reportingRefusals, resolvePaths, scrubbedIo } from '../run/command-setup.js';
import { connect, logClientEvents, type Connection } from '../run/connect.js';
import { parseDuration } from '../run/duration.js';
import { exitFor, EXIT_MEANING, RUN_EXIT } from '../run/exit-status.js';
import { OutDirMismatchError, prepareOutDir, type PreparedOutDir, type VerifiedOutputs } from '../run/out-dir.js';
import { Progress } from '../run/progress.js';
import { Refusal } from '../run/refusal.js';
import { redactedConfig, zeroBudget, type RunConfig } from '../run/run-config.js';
import { watchSignals, type RunSignals } from '../run/signals.js';
import { startupChecks } from '../run/startup-checks.js';
import { exitFields, publishSummary, summarise } from '../run/summary.js';
import { summaryText } from '../run/summary-text.js';

const USAGE = `usage: wbp run <csv> [--out DIR] [--time-budget 5h30m] [--progress auto|tty|lines|off]
               [--default column=value]... [--plan DIR/plan.json]

Provisions a site CSV in the Webex org of $WEBEX_TOKEN: validates it (rejected rows never reach
the API), runs the startup checks, then phases 1–3. If DIR holds a checkpoint of the same CSV the
run resumes from it; if that run had finished, the rows that ended pending are tried again (the
next attempt). Configuration comes from the environment (docs/configuration.md).
--default column=value: the same explicit defaults as wbp validate (input_schema.md).
--plan DIR/plan.json: a plan made by wbp plan; the run refuses (status 20, nothing sent) unless the
CSV's sha256 and ENVIRONMENT are the plan's.
--progress: on stderr; auto redraws one line on a terminal and prints a line every 10 s otherwise
(lines), tty always redraws, off prints none. The results (counts, the summary table, the verdict)
go to stdout; summary.md (and $GITHUB_STEP_SUMMARY in Actions) has the Markdown summary.

Exit statuses: ${Object.entries(EXIT_MEANING)
  .map(([k, v]) => `${k} ${v}`)
  .join('; ')}.`;

const PROGRESS_MODES = ['auto', 'tty', 'lines', 'off'] as const;
type ProgressMode = (typeof PROGRESS_MODES)[number];

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

/** `wbp run`'s command line, checked: every mistake is a UsageError (exit 2, nothing done). */
export interface RunArgs {
  csvArg: string;
  out: string | undefined;
  /** `--time-budget` as given (checked: a duration above 0). */
  timeBudget: string | undefined;
  progress: ProgressMode;
  /** `--default column=value`, as given (recorded in the manifest) and parsed. */
  defaultFlags: string[];
  defaults: Record<string, string>;
  plan: string | undefined;
}

export function parseRunArgs(argv: readonly string[]): RunArgs {
  const { values, positionals } = parseCommandArgs(argv, {
    out: { type: 'string' },
    'time-budget': { type: 'string' },
    progress: { type: 'string', default: 'auto' },
    default: { type: 'string', multiple: true, default: [] },
    plan: { type: 'string' },
  });
  if (positionals.length !== 1)
    throw new UsageError(positionals.length === 0 ? 'missing <csv>' : `give exactly one CSV file, got ${positionals.length}`);
  const progress = PROGRESS_MODES.find((m) => m === values.progress);
  if (!progress) throw new UsageError(`--progress must be ${PROGRESS_MODES.join(', ')}, not ${JSON.stringify(values.progress)}`);
  const defaults = parseDefaults(values.default);
  const timeBudget = values['time-budget'];
  if (timeBudget !== undefined) {
    const ms = parseDuration(timeBudget);
    if (ms === undefined) throw new UsageError(`--time-budget ${JSON.stringify(timeBudget)} must look like 5h30m, 90m or 45s`);
    if (ms === 0) throw new UsageError(zeroBudget('--time-budget'));
  }
  return { csvArg: positionals[0]!, out: values.out, timeBudget, progress, defaultFlags: values.default, defaults, plan: values.plan };
}

/** What every step after the set-up works with. */
interface RunContext {
  args: RunArgs;
  io: CliIo;
  redact: Redactor;
  config: RunConfig;
  paths: ReturnType<typeof resolvePaths>;
  csvSha256: string;
  /** The time budget (flag, else TIME_BUDGET) as given. */
  budget: string | undefined;
  startedAt: number;
  since: StartupMarks;
  od: PreparedOutDir;
  log: RunLogger;
  conn: Connection;
  signals: RunSignals;
}

/** Where the run is, for the signal lines. */
type Stage = 'validation' | 'startup_checks' | 'phases';

/** The composition root of `wbp run`: each step below is one named function. */
async function provision(argv: readonly string[], rawIo: CliIo, signals: RunSignals): Promise<number> {
  const since: StartupMarks = { command: performance.now() }; // for run.log's rows_start line
  const args = parseRunArgs(argv);
  const { io, redact } = scrubbedIo(rawIo);
  return reportingRefusals('wbp run', io, async () => {
    const config = readConfig(io);
    const outArg = args.out ?? config.env.OUTPUT_DIR;
    if (!outArg) throw new UsageError('give --out DIR or set OUTPUT_DIR');
    const paths = resolvePaths(io, args.csvArg, outArg);
    const budget = args.timeBudget ?? config.env.TIME_BUDGET;
    const startedAt = Date.now();
    await checkPaths(paths);
    const csvSha256 = await sha256File(paths.csv);
    if (args.plan !== undefined) await checkPlan(io, args.plan, csvSha256, config);
    const od = await lockOutputs(args, config, paths.outDir, csvSha256);
    let log: RunLogger;
    try {
      log = openLog(paths.outDir, outArg, 'run.log', config, redact);
    } catch (err) {
      await od.release();
      throw err;
    }
    const conn = connect({ config, log, redact, rawIo, onEvent: logClientEvents(log) });
    return await runSite({ args, io, redact, config, paths, csvSha256, budget, startedAt, since, od, log, conn, signals });
  });
}

/** A reviewed plan applies only to the CSV and the environment it was made for. */
async function checkPlan(io: CliIo, plan: string, csvSha256: string, config: RunConfig): Promise<void> {
  const refusal = await planRefusal(resolve(io.cwd, plan), csvSha256, config.env.ENVIRONMENT);
  if (refusal) throw new Refusal(RUN_EXIT.configOrStartupFailed, `--plan ${plan}: ${refusal}; nothing was sent`);
}

/**
 * One run per folder, outputs that provably belong to this CSV: before anything is written there
 * (the logger included, which is created under the folder's umask).
 */
async function lockOutputs(args: RunArgs, config: RunConfig, outDir: string, csvSha256: string): Promise<PreparedOutDir> {
  try {
    return await prepareOutDir(outDir, {
      inputSha256: csvSha256,
      pipelineVersion: config.env.PIPELINE_VERSION,
      defaults: args.defaultFlags,
      command: 'wbp run',
      mode: config.env.OUTPUT_MODE,
    });
  } catch (err) {
    const refused = outDirRefusal(err);
    if (!refused) throw err;
    throw new Refusal(refused, `${err instanceof Error ? err.message : String(err)}; nothing was done`);
  }
}

/** From the checkpoint decision to the verdict; the clients and the folder's lock are released whatever happens. */
async function runSite(ctx: RunContext): Promise<number> {
  const { log, conn, paths } = ctx;
  let stage: Stage = 'validation';
  let inFlightRows: () => unknown[] = () => [];
  const stopReporting = reportSignals(
    ctx,
    () => stage,
    () => inFlightRows(),
  );
  try {
    const decision = checkResume(await readCheckpoint(paths.outDir), {
      inputHash: ctx.csvSha256,
      pipelineVersion: ctx.config.executor.pipelineVersion,
    });
    const planned = plannedAttempt(decision);
    log.info(
      {
        event: 'run_start',
        csv: ctx.args.csvArg,
        csv_sha256: ctx.csvSha256,
        out: paths.outArg,
        attempt: planned?.attempt ?? null,
        attempt_kind: planned?.kind ?? null,
        time_budget: ctx.budget ?? null,
        config: redactedConfig(ctx.config),
      },
      planned ? `run start (attempt ${planned.attempt}, ${planned.kind})` : 'run start',
    );
    if (decision.kind === 'hash_mismatch' || decision.kind === 'version_mismatch') {
      log.fatal({ event: 'resume_refused', ...decision }, 'checkpoint belongs to a different CSV or pipeline version');
      throw new Refusal(
        RUN_EXIT.abortedCheckpointMismatch,
        `${paths.outArg}/checkpoint.json belongs to a different CSV or pipeline version (${decision.kind}); outputs left untouched — use a new --out folder`,
      );
    }
    /** A stop signal during start-up: no row started, so stop like a spent time budget (exit 40, resumable). */
    const stoppedInStartup = (readyRows: number) =>
      finish(
        ctx,
        'time_budget',
        `${ctx.signals.stoppedBy} during start-up: stopped before any row`,
        readyRows,
        plannedAttempt(decision).attempt,
      );

    const ready = await prepareReadyFile(ctx);
    if (ctx.signals.stoppedBy) return await stoppedInStartup(ready.readyRows);
    if (decision.kind === 'finished' && ready.verified.pendingRows === 0) {
      // Re-run of a run that finished with nothing pending: no attempt to start, so no request at
      // all (not even the startup checks); the exit status is the CSV's as it stands.
      log.info(
        { event: 'nothing_pending', attempt: decision.attempt },
        `attempt ${decision.attempt} finished and no row is pending: nothing to re-run`,
      );
      ctx.io.stdout(`nothing to re-run: attempt ${decision.attempt} finished and no row is pending; no request sent\n`);
      return await finish(
        ctx,
        'completed',
        `nothing to re-run: attempt ${decision.attempt} finished and no row is pending`,
        ready.readyRows,
        decision.attempt,
      );
    }

    stage = 'startup_checks';
    ctx.since.startupChecks = performance.now();
    const checks = await startupChecks(conn.startup, conn.client, log, ctx.config.executor.callingLicenceId);
    await conn.startup.close();
    if (!checks.ok) throw new Refusal(RUN_EXIT.configOrStartupFailed, `startup_checks=fail: ${checks.cause}; no row was processed`);
    if (ctx.signals.stoppedBy) return await stoppedInStartup(ready.readyRows);

    stage = 'phases';
    ctx.since.executor = performance.now();
    const result = await runRows(ctx, decision, ready, checks.org, (list) => (inFlightRows = list));
    return await finish(ctx, result.status, result.detail, ready.readyRows, result.attempt);
  } catch (err) {
    throw failureOf(err, log);
  } finally {
    stopReporting();
    await Promise.all([conn.close(), ctx.od.release()]);
  }
}

/**
 * The run's signal lines, until the returned disposer is called: a stop signal is logged with the
 * stage it came in, and `kill -USR2 <pid>` logs what every row and call in flight is doing (for a
 * run that looks stuck).
 */
function reportSignals({ signals, log, conn }: RunContext, stage: () => Stage, inFlightRows: () => unknown[]): () => void {
  const offStop = signals.onStop((signal) =>
    log.warn(
      { event: 'signal', signal, stage: stage() },
      stage() === 'phases'
        ? `${signal}: finishing the rows in flight, then stopping with a checkpoint`
        : `${signal} during start-up (${stage()}): stopping before any row`,
    ),
  );
  const offDiagnose = signals.onDiagnose(() =>
    log.warn(
      {
        event: 'in_flight',
        stage: stage(),
        rows: inFlightRows(),
        calls: [...conn.startup.callsInFlight(), ...conn.client.callsInFlight()],
        resources: countBy(process.getActiveResourcesInfo()),
        heap_used_mb: Math.round(process.memoryUsage().heapUsed / 1048576),
        rate: conn.client.rate.snapshot(),
      },
      'rows in flight',
    ),
  );
  return () => {
    offStop();
    offDiagnose();
  };
}

function countBy(items: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of items) out[i] = (out[i] ?? 0) + 1;
  return out;
}

interface ReadyFile {
  verified: VerifiedOutputs;
  readyRows: number;
  /** A resume reused ready_to_load.csv of the first invocation (no validation this time). */
  reused: boolean;
}

/**
 * ready_to_load.csv, validated once: by validateCsvFile on the first invocation, reused on a
 * resume; then every output cross-checked (manifest, checkpoint, each other) before anything is
 * appended. The file is read here once: `verified.ready` holds the bytes whose sha256 matched the
 * manifest, and every pass of the executor reads those bytes, not the file, and does not validate
 * again.
 */
async function prepareReadyFile({ args, io, od, log, paths, since }: RunContext): Promise<ReadyFile> {
  since.validation = performance.now();
  const reused = od.resume && existsSync(join(paths.outDir, READY_FILE));
  if (!reused) {
    const v = await validateCsvFile(paths.csv, paths.outDir, { defaults: args.defaults }).catch((err: unknown) => {
      throw err instanceof ContractConfigError ? new UsageError(err.message) : err;
    });
    await od.recordValidation(v);
    log.info({ event: 'validation', rows: v.rows, ready: v.ready, rejected: v.rejected, by_reason: v.byReason }, 'validation done');
    io.stdout(`validated ${v.rows} rows: ${v.ready} ready, ${v.rejected} rejected\n`);
  }
  since.verify = performance.now();
  const verified = await od.verify();
  if (reused)
    log.info(
      { event: 'validation', reused: true, ready: verified.readyRows },
      'resuming: ready_to_load.csv of the first invocation reused',
    );
  return { verified, readyRows: verified.readyRows, reused };
}

/** Phases 1–3 through the executor, with progress on the terminal and the stop signals turned into a deadline. */
async function runRows(
  ctx: RunContext,
  decision: UsableDecision,
  ready: ReadyFile,
  org: OrgCache,
  exposeInFlight: (list: () => unknown[]) => void,
) {
  const { args, io, conn, log } = ctx;
  const tty = args.progress === 'tty' || (args.progress === 'auto' && process.stderr.isTTY === true);
  // A re-run goes through the pending rows only: count progress against those.
  const progressTotal = decision.kind === 'finished' ? ready.verified.pendingRows : ready.readyRows;
  const progress = args.progress === 'off' ? undefined : new Progress(progressTotal, io.stderr, tty);
  const budgetMs = ctx.budget === undefined ? undefined : parseDuration(ctx.budget);
  const execConfig: ExecutorConfig = { ...ctx.config.executor, deadline: budgetMs === undefined ? undefined : ctx.startedAt + budgetMs };
  // A cancelled job (SIGINT, then SIGTERM) stops like a spent time budget: no new row starts,
  // the rows in flight finish and are written, and the checkpoint is saved.
  const offStop = ctx.signals.onStop(() => (execConfig.deadline = Date.now()));
  try {
    const result = await execute({
      outDir: ctx.paths.outDir,
      inputHash: ctx.csvSha256,
      resume: decision,
      rows: (type) =>
        (async function* () {
          for await (const r of ready.verified.ready.rows({ entityType: type, validate: false })) yield execRowOf(r);
        })(),
      port: conn.client,
      orgCache: org,
      redact: ctx.redact,
      config: execConfig,
      log: withRowsStart(log, () => rowsStartLine(ctx.since, ready.reused)),
      concurrency: () => conn.client.rate.concurrency(),
      exposeInFlight,
      requestCount: conn.requests,
      onRowDone: (_row, outcome) => progress?.row(outcome.status),
    });
    progress?.stop();
    return result;
  } finally {
    offStop();
  }
}

/** Summaries, the run_end line and the one-line verdict: the end of every run that got this far. */
async function finish(
  ctx: RunContext,
  status: ExecutionStatus,
  detail: string | undefined,
  readyRows: number,
  attempt: number,
): Promise<number> {
  const { log, paths, conn } = ctx;
  const provisional = exitFor(status, false);
  const summary = await summarise(paths.outDir, {
    csv: paths.csvArg,
    csvPath: paths.csv,
    csvSha256: ctx.csvSha256,
    environment: ctx.config.env.ENVIRONMENT,
    attempt,
    exitStatus: provisional,
    readyRows,
    detail,
    startedAt: ctx.startedAt,
  });
  const allSuccess = summary.rows.pending === 0 && summary.rows.rejected === 0 && summary.rows.notYetProcessed === 0;
  // Known only once the rows are counted: all three fields follow the final status.
  Object.assign(summary, exitFields(exitFor(status, allSuccess)));
  await publishSummary(paths.outDir, summary, ctx.io.env, ctx.redact);
  const rate = conn.client.rate.snapshot();
  log.info(
    {
      event: 'run_end',
      status,
      attempt,
      exit_status: summary.exitStatus,
      rows: summary.rows,
      pending_by_reason: summary.pendingByReason,
      seconds: Math.round((Date.now() - ctx.startedAt) / 1000),
      requests: conn.requests(),
      concurrency: rate.concurrency,
      peak_concurrency: rate.peakConcurrency,
      pace_per_s: rate.pacePerSecond,
      rate_limit_storms: rate.storms,
      peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
      heap_used_mb: Math.round(process.memoryUsage().heapUsed / 1048576),
    },
    'run end',
  );
  ctx.io.stdout(`\n${summaryText(summary, paths.outArg)}`);
  ctx.io.stdout(
    `${summary.outcome}: ${summary.rows.success} success, ${summary.rows.pending} pending, ${summary.rows.rejected} rejected` +
      `${summary.rows.notYetProcessed ? `, ${summary.rows.notYetProcessed} not yet processed` : ''} — outputs in ${paths.outArg}\n`,
  );
  return summary.exitStatus;
}

/** What an error after the set-up ends the run with: a refusal to report, or a usage error to rethrow. */
function failureOf(err: unknown, log: RunLogger): Error {
  if (err instanceof UsageError || err instanceof Refusal) return err;
  const refused = outDirRefusal(err);
  if (refused === RUN_EXIT.abortedCheckpointMismatch) {
    log.fatal(
      { event: 'resume_refused', error: err instanceof Error ? err.message : String(err) },
      'the outputs belong to another CSV, version or defaults',
    );
    return new Refusal(refused, `${err instanceof Error ? err.message : String(err)}; outputs left untouched`);
  }
  if (err instanceof CheckpointCorruptError || err instanceof OutputCorruptError || err instanceof ManifestCorruptError) {
    log.fatal({ event: 'corrupt_outputs', error: err.message }, 'corrupt outputs or checkpoint: aborting without repair');
    return new Refusal(RUN_EXIT.abortedCorrupt, `${err.message} — nothing was repaired; inspect the file or start a new --out folder`);
  }
  if (err instanceof CsvFileError) {
    log.fatal({ event: 'input_invalid', error: err.message }, 'the CSV cannot be read as a whole');
    return new Refusal(RUN_EXIT.configOrStartupFailed, err.message);
  }
  return internalError(err, log);
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
  const span = (from: number | undefined, to: number | undefined) =>
    from === undefined || to === undefined ? null : Math.round(to - from);
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
  if (typeof planned !== 'object' || planned === null || typeof planned.csvSha256 !== 'string' || typeof planned.environment !== 'string')
    return 'not a plan.json written by wbp plan';
  if (planned.csvSha256 !== csvSha256)
    return `the plan was made for another CSV (sha256 ${planned.csvSha256}, this CSV ${csvSha256}): plan this CSV again`;
  if (planned.environment !== environment)
    return `the plan was made for ENVIRONMENT=${planned.environment}, this run is ENVIRONMENT=${environment}`;
  return undefined;
}

/** The exit status of a refusal by the output folder's guard, or undefined for any other error. */
function outDirRefusal(err: unknown): number | undefined {
  if (err instanceof OutDirLockedError) return RUN_EXIT.outDirLocked;
  if (err instanceof OutDirMismatchError) return RUN_EXIT.abortedCheckpointMismatch;
  if (err instanceof ManifestCorruptError || err instanceof OutputCorruptError || err instanceof CheckpointCorruptError)
    return RUN_EXIT.abortedCorrupt;
  return undefined;
}

export type { CliIo };
