import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ContractConfigError, CsvFileError, READY_FILE, readReadyRows, validateCsvFile, type ReadyRow } from '@wbp/csv-contract';
import { AdaptiveConcurrency, DEFAULT_EXECUTOR_CONFIG, execute, type EntityType, type ExecRow, type RunLogger } from '@wbp/executor-core';
import { CheckpointCorruptError, checkResume, readCheckpoint, sha256File } from '@wbp/state';
import { createWebexClient, type ClientEvent } from '@wbp/webex-client';
import { OutputCorruptError } from '@wbp/writers';
import type { Command } from '../command.js';
import { parseDefaults } from '../default-flags.js';
import { UsageError, type CliIo } from '../io.js';
import { parseDuration } from '../run/duration.js';
import { readRunEnv, redactedConfig } from '../run/env-config.js';
import { exitFor, EXIT_MEANING, RUN_EXIT } from '../run/exit-status.js';
import { fileLogger } from '../run/logger.js';
import { Progress } from '../run/progress.js';
import { startupChecks } from '../run/startup-checks.js';
import { publishSummary, summarise } from '../run/summary.js';
import { refreshingToken } from '../run/token-refresh.js';

const USAGE = `usage: wbp run <csv> [--out DIR] [--time-budget 5h30m] [--progress auto|tty|lines|off]
               [--default column=value]...

Provisions a site CSV in the Webex org of $WEBEX_TOKEN: validates it (rejected rows never reach
the API), runs the startup checks, then phases 1–3. If DIR holds a checkpoint of the same CSV the
run resumes from it. Configuration comes from the environment (docs/configuration.md).
--default column=value: the same explicit defaults as wbp validate (input_schema.md).

Exit statuses: ${Object.entries(EXIT_MEANING)
  .map(([k, v]) => `${k} ${v}`)
  .join('; ')}.`;

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
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        'time-budget': { type: 'string' },
        progress: { type: 'string', default: 'auto' },
        default: { type: 'string', multiple: true, default: [] },
      },
    });
    if (positionals.length !== 1) throw new UsageError('give exactly one CSV file');
    const defaults = parseDefaults(values.default);
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
    const budget = values['time-budget'] ?? env.TIME_BUDGET;
    const budgetMs = budget === undefined ? undefined : parseDuration(budget);
    if (budget !== undefined && budgetMs === undefined) throw new UsageError(`--time-budget ${JSON.stringify(budget)} must look like 5h30m, 90m or 45s`);
    const startedAt = Date.now();
    await mkdir(outDir, { recursive: true });
    const log: RunLogger = fileLogger(join(outDir, 'run.log'), env.LOG_LEVEL);
    const fail = (status: number, message: string) => {
      io.stderr(`wbp run: ${message}\n`);
      return status;
    };

    try {
      if (!existsSync(csv)) return fail(RUN_EXIT.configOrStartupFailed, `cannot read ${positionals[0]}`);
      const csvSha256 = await sha256File(csv);
      log.info({ event: 'run_start', csv: positionals[0], csv_sha256: csvSha256, out: outArg, time_budget: budget ?? null, config: redactedConfig(env, serviceApp) }, 'run start');

      const decision = checkResume(await readCheckpoint(outDir), { inputHash: csvSha256, pipelineVersion: env.PIPELINE_VERSION });
      if (decision.kind === 'hash_mismatch' || decision.kind === 'version_mismatch') {
        log.fatal({ event: 'resume_refused', ...decision }, 'checkpoint belongs to a different CSV or pipeline version');
        return fail(RUN_EXIT.abortedCheckpointMismatch, `${outArg}/checkpoint.json belongs to a different CSV or pipeline version (${decision.kind}); outputs left untouched — use a new --out folder`);
      }
      const readyPath = join(outDir, READY_FILE);
      let readyRows: number;
      if (decision.kind === 'resume' && existsSync(readyPath)) {
        readyRows = 0;
        for await (const _ of readReadyRows(readyPath)) readyRows++;
        log.info({ event: 'validation', reused: true, ready: readyRows }, 'resuming: ready_to_load.csv of the first invocation reused');
      } else {
        const v = await validateCsvFile(csv, outDir, { defaults }).catch((err: unknown) => {
          throw err instanceof ContractConfigError ? new UsageError(err.message) : err;
        });
        readyRows = v.ready;
        log.info({ event: 'validation', rows: v.rows, ready: v.ready, rejected: v.rejected, by_reason: v.byReason }, 'validation done');
        io.stdout(`validated ${v.rows} rows: ${v.ready} ready, ${v.rejected} rejected\n`);
      }

      const token = serviceApp
        ? refreshingToken(
            env.WEBEX_TOKEN,
            serviceApp,
            env.WEBEX_BASE_URL,
            (ok, detail) => (ok ? log.info({ event: 'token_refresh', ok }, detail) : log.error({ event: 'token_refresh', ok }, detail)),
            (secret) => {
              if (io.env.GITHUB_ACTIONS === 'true') io.stdout(`::add-mask::${secret}\n`);
            },
          )
        : undefined;
      const concurrency = new AdaptiveConcurrency(env.CONCURRENCY, env.CONCURRENCY_MAX);
      let requests = 0;
      const onEvent = (e: ClientEvent) => {
        if (e.type === 'request' || e.type === 'hedge') requests++;
        else if (e.type === 'response') {
          if (e.status < 300) concurrency.latency(e.durationMs);
        } else if (e.type === 'retry') log.warn({ event: 'retry', method: e.method, path: e.path, attempt: e.attempt, retries_left: e.retriesLeft, http_status: e.status, failure: e.failure, tracking_id: e.trackingId }, 'retrying');
        else if (e.type === 'rate_limited') {
          concurrency.rateLimited();
          log.warn({ event: 'rate_limited', path: e.path, retry_after_ms: e.retryAfterMs, concurrency: concurrency.limit(), pace_per_s: client.pacer?.rate }, 'rate limited: all callers pause');
        }
      };
      const client = createWebexClient({
        token: token ? token.token : env.WEBEX_TOKEN,
        ...(token ? { refreshToken: token.refresh } : {}),
        baseUrl: env.WEBEX_BASE_URL,
        retries: env.MAX_RETRIES,
        requestTimeoutMs: env.REQUEST_TIMEOUT_SECONDS * 1000,
        connectTimeoutMs: env.CONNECT_TIMEOUT_SECONDS * 1000,
        onEvent,
      });

      const checks = await startupChecks(client, log);
      if (!checks.ok) return fail(RUN_EXIT.configOrStartupFailed, `startup_checks=fail: ${checks.cause}; no row was processed`);

      const tty = values.progress === 'tty' || (values.progress === 'auto' && process.stderr.isTTY === true);
      const progress = values.progress === 'off' ? undefined : new Progress(readyRows, tty ? io.stderr : io.stdout, tty);
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
      const stopSoon = (signal: NodeJS.Signals) => {
        log.warn({ event: 'signal', signal }, `${signal}: finishing the rows in flight, then stopping with a checkpoint`);
        execConfig.deadline = Date.now();
      };
      process.once('SIGINT', stopSoon);
      process.once('SIGTERM', stopSoon);
      const result = await execute({
        outDir,
        inputHash: csvSha256,
        rows: (type) =>
          (async function* () {
            for await (const r of readReadyRows(readyPath)) if (r.entity_type === type) yield toExecRow(r);
          })(),
        port: client,
        config: execConfig,
        log,
        concurrency: () => concurrency.limit(),
        exposeInFlight: (list) => {
          // `kill -USR2 <pid>`: log what every row in flight is doing (for a run that looks stuck).
          process.on('SIGUSR2', () => log.warn({ event: 'in_flight', rows: list(), calls: client.callsInFlight(), resources: countBy(process.getActiveResourcesInfo()), heap_used_mb: Math.round(process.memoryUsage().heapUsed / 1048576), concurrency: concurrency.limit(), pace_per_s: client.pacer?.rate, paused_until: client.gate.pausedUntil }, 'rows in flight'));
        },
        requestCount: () => requests,
        onRowDone: (_row, outcome) => {
          concurrency.rowDone();
          progress?.row(outcome.status);
        },
      });
      progress?.stop();
      process.removeListener('SIGINT', stopSoon);
      process.removeListener('SIGTERM', stopSoon);
      await client.close();

      const provisional = exitFor(result.status, false);
      const summary = await summarise(outDir, { csv: positionals[0]!, csvSha256, environment: env.ENVIRONMENT, exitStatus: provisional, readyRows, detail: result.detail });
      const allSuccess = summary.rows.pending === 0 && summary.rows.rejected === 0 && summary.rows.notYetProcessed === 0;
      summary.exitStatus = exitFor(result.status, allSuccess);
      summary.outcome = EXIT_MEANING[summary.exitStatus] ?? summary.outcome;
      await publishSummary(outDir, summary, io.env);
      log.info(
        {
          event: 'run_end',
          status: result.status,
          exit_status: summary.exitStatus,
          rows: summary.rows,
          pending_by_reason: summary.pendingByReason,
          seconds: Math.round((Date.now() - startedAt) / 1000),
          requests,
          concurrency: concurrency.limit(),
          pace_per_s: client.pacer?.rate ?? null,
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
    } catch (err) {
      if (err instanceof UsageError) throw err;
      if (err instanceof CheckpointCorruptError || err instanceof OutputCorruptError) {
        log.fatal({ event: 'corrupt_outputs', error: err.message }, 'corrupt outputs or checkpoint: aborting without repair');
        return fail(RUN_EXIT.abortedCorrupt, `${err.message} — nothing was repaired; inspect the file or start a new --out folder`);
      }
      if (err instanceof CsvFileError) {
        log.fatal({ event: 'input_invalid', error: err.message }, 'the CSV cannot be read as a whole');
        return fail(RUN_EXIT.configOrStartupFailed, err.message);
      }
      log.fatal({ event: 'internal_error', error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) }, 'internal error');
      return fail(RUN_EXIT.internalError, `internal error: ${err instanceof Error ? err.message : String(err)}`);
    }
  },
};

export type { CliIo };
