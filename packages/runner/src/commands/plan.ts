import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ContractConfigError, CsvFileError, physicalLinesOf, READY_FILE, readReadyRows, REJECTED_FILE, validateCsvFile, type ReadyRow } from '@wbp/csv-contract';
import { DEFAULT_EXECUTOR_CONFIG, plan, PlanReader, readOnly, type EntityType, type ExecRow, type RunLogger } from '@wbp/executor-core';
import { sha256File } from '@wbp/state';
import { createRedactor, createWebexClient, type ClientEvent, type WebexClientOptions } from '@wbp/webex-client';
import { readCsvRecords, REJECTED_COLUMNS } from '@wbp/files';
import type { Command } from '../command.js';
import { parseDefaults } from '../default-flags.js';
import { annotationPath, errorAnnotation, noticeAnnotation, warningAnnotation } from '../github.js';
import { parseCommandArgs, redactingIo, UsageError, type CliIo } from '../io.js';
import { fsReason, unreadableFile, unusableOutDir } from '../paths.js';
import { readRunEnv } from '../run/env-config.js';
import { EXIT_MEANING, RUN_EXIT } from '../run/exit-status.js';
import { fileLogger } from '../run/logger.js';
import { contradictions, fromPlanned, planCsv, planDocument, planMarkdown, type PlanLine } from '../run/plan-report.js';
import { startupChecks, startupClient } from '../run/startup-checks.js';
import { refreshingToken } from '../run/token-refresh.js';

export const PLAN_FILES = { csv: 'plan.csv', md: 'plan.md', json: 'plan.json' } as const;

/** `--detailed-exitcode`: changes planned (Terraform's convention; also the usage-error status). */
export const PLAN_EXIT_CHANGES = 2;

const USAGE = `usage: wbp plan <csv> --out <dir> [--format text|github] [--detailed-exitcode]
                [--default column=value]...

What \`wbp run\` would do with a site CSV in the org of $WEBEX_TOKEN, without changing it: the same
validation (<dir>/ready_to_load.csv, <dir>/rejected_rows.csv), the same startup checks, then the
run's own decisions for every ready row, with read requests only (GETs). Writes <dir>/plan.csv
(row_id, entity_type, entity_key, action, expected_status, reason_code, detail, line),
<dir>/plan.md and <dir>/plan.json, and appends plan.md to $GITHUB_STEP_SUMMARY when it is set.
Same environment variables as wbp run (docs/configuration.md). Apply exactly this CSV with
\`wbp run <csv> --plan <dir>/plan.json\`.

  --format github       also print ::warning / ::error annotations on the CSV lines that would
                        end pending or are rejected (first 50)
  --detailed-exitcode   exit 0 when nothing would change, 2 when changes are planned
  --default col=value   the same explicit defaults as wbp validate / wbp run

Exit statuses: 0 plan produced (with --detailed-exitcode: nothing to change); 2 changes planned
(with --detailed-exitcode) — or a usage mistake, told apart by whether plan.json was written;
20 configuration or startup checks failed (no plan), or some rows could not be planned because a
read failed (plan.json written, readFailures > 0: not a complete plan); 70 ${EXIT_MEANING[70]}.`;

const ANNOTATIONS = 50;

function toExecRow(r: ReadyRow): ExecRow {
  const { row_id, ...fields } = r;
  return { rowId: row_id, entityType: r.entity_type as EntityType, entityKey: r.entity_key, fields };
}

export const planCommand: Command = {
  name: 'plan',
  summary: 'what wbp run would do with a site CSV (read-only): plan.csv, plan.md, plan.json',
  usage: USAGE,
  run: (argv, io) => planSite(argv, io),
};

async function planSite(argv: readonly string[], rawIo: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    out: { type: 'string' },
    format: { type: 'string', default: 'text' },
    'detailed-exitcode': { type: 'boolean', default: false },
    default: { type: 'string', multiple: true, default: [] },
  });
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'missing <csv>' : `give exactly one CSV file, got ${positionals.length}`);
  if (!values.out) throw new UsageError('missing --out <dir>');
  if (values.format !== 'text' && values.format !== 'github') throw new UsageError(`--format must be text or github, not ${values.format}`);
  const defaults = parseDefaults(values.default);
  const github = values.format === 'github';

  // The same scrubber as the run's: every output and message goes through it.
  const redact = createRedactor([rawIo.env.WEBEX_TOKEN, rawIo.env.WEBEX_REFRESH_TOKEN, rawIo.env.WEBEX_CLIENT_SECRET]);
  const io = redactingIo(rawIo, redact);
  const fail = (status: number, message: string) => {
    io.stderr(`wbp plan: ${message}\n`);
    return status;
  };
  const csvArg = positionals[0]!;
  const csv = resolve(io.cwd, csvArg);
  const config = readRunEnv(io.env);
  if (!config.ok) {
    io.stderr(`wbp plan: configuration is not valid:\n${config.problems.map((p) => `  - ${p}`).join('\n')}\n`);
    return RUN_EXIT.configOrStartupFailed;
  }
  const { env, serviceApp } = config;
  const outDir = resolve(io.cwd, values.out);
  const outProblem = await unusableOutDir(outDir);
  if (outProblem) return fail(RUN_EXIT.configOrStartupFailed, `--out ${values.out} ${outProblem}; nothing was done`);
  const unreadable = await unreadableFile(csv);
  if (unreadable) return fail(RUN_EXIT.configOrStartupFailed, `cannot read the CSV: ${csvArg} ${unreadable}; nothing was done`);
  await mkdir(outDir, { recursive: true });
  const csvSha256 = await sha256File(csv);
  let log: RunLogger;
  try {
    log = fileLogger(join(outDir, 'plan.log'), env.LOG_LEVEL, redact);
  } catch (err) {
    return fail(RUN_EXIT.configOrStartupFailed, `cannot write the log: ${join(values.out, 'plan.log')} ${fsReason(err)}; nothing was done`);
  }

  let requests = 0;
  const onEvent = (e: ClientEvent) => {
    if (e.type === 'request' || e.type === 'hedge') requests++;
  };
  // A service app's token is refreshed as in a run (a refresh is a call to the token endpoint, not to the org).
  const token = serviceApp
    ? refreshingToken(
        env.WEBEX_TOKEN,
        serviceApp,
        env.WEBEX_BASE_URL,
        (ok, detail) => (ok ? log.info({ event: 'token_refresh', ok }, detail) : log.error({ event: 'token_refresh', ok }, detail)),
        (secret) => {
          redact.add(secret);
          if (io.env.GITHUB_ACTIONS === 'true') rawIo.stdout(`::add-mask::${secret}\n`);
        },
      )
    : undefined;
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
  try {
    log.info({ event: 'plan_start', csv: csvArg, csv_sha256: csvSha256, environment: env.ENVIRONMENT }, 'plan start');
    // The startup checks (reads of the org) go on while the CSV is validated: neither needs the other.
    // Only the read methods of the client, in a new object: the plan has no way to send a mutation.
    const reader = new PlanReader(readOnly(client));
    const checking = startupChecks(startup, client, log, env.WEBEX_CALLING_LICENSE_ID, reader.port).finally(() => startup.close());
    let validation;
    try {
      validation = await validateCsvFile(csv, outDir, { defaults });
    } catch (err) {
      await checking;
      if (err instanceof ContractConfigError) throw new UsageError(err.message);
      if (err instanceof CsvFileError) return fail(RUN_EXIT.configOrStartupFailed, `${csvArg}${err.line === undefined ? '' : `:${err.line}`}: ${err.detail}; no plan was made`);
      throw err;
    }
    io.stdout(`validated ${validation.rows} rows: ${validation.ready} ready, ${validation.rejected} rejected\n`);
    const ready: ExecRow[] = [];
    for await (const r of readReadyRows(join(outDir, READY_FILE))) ready.push(toExecRow(r));
    const checks = await checking;
    if (!checks.ok) return fail(RUN_EXIT.configOrStartupFailed, `startup_checks=fail: ${checks.cause}; no plan was made`);
    const licencesBefore = checks.org.licences.entries.map((e) => ({ id: e.id, name: e.name, subscriptionId: e.subscriptionId, freeBefore: e.unitsLeft }));

    const planned = await plan({
      rows: (type) =>
        (async function* () {
          for (const r of ready) if (r.entityType === type) yield r;
        })(),
      reader,
      orgCache: checks.org,
      config: { ...DEFAULT_EXECUTOR_CONFIG, callingLicenceId: env.WEBEX_CALLING_LICENSE_ID },
      // Reads only, paced by the client's rate controller: as many in flight as a run may reach.
      concurrency: env.CONCURRENCY_MAX,
      log,
    });

    log.info({ event: 'plan_decided', rows: planned.length, requests }, 'every ready row decided');
    const lines: PlanLine[] = planned.map(fromPlanned);
    for await (const r of readCsvRecords(join(outDir, REJECTED_FILE), REJECTED_COLUMNS)) {
      lines.push({ rowId: Number(r.row_id), entityType: r.entity_type, entityKey: r.entity_key, action: 'none', expectedStatus: 'rejected', reasonCode: r.reason_code, detail: r.reason_message });
    }
    lines.sort((a, b) => a.rowId - b.rowId);
    const wanted = new Set(lines.filter((l) => l.expectedStatus !== 'success').map((l) => l.rowId));
    const physical = await physicalLinesOf(csv, wanted).catch(() => new Map<number, number>());
    for (const l of lines) l.line = physical.get(l.rowId);

    const licences = licencesBefore.map((b) => ({ ...b, freeAfter: checks.org.licences.entries.find((e) => e.id === b.id)?.unitsLeft ?? b.freeBefore }));
    const doc = planDocument(lines, { csv: csvArg, csvSha256, environment: env.ENVIRONMENT, createdAt: new Date().toISOString(), requests, warnings: contradictions(ready) }, licences);
    const md = redact(planMarkdown(doc, lines));
    await writeFile(join(outDir, PLAN_FILES.csv), planCsv(lines, redact));
    await writeFile(join(outDir, PLAN_FILES.md), md);
    await writeFile(join(outDir, PLAN_FILES.json), redact(`${JSON.stringify(doc, null, 2)}\n`));
    if (io.env.GITHUB_STEP_SUMMARY) await appendFile(io.env.GITHUB_STEP_SUMMARY, `${md}\n`);
    log.info({ event: 'plan_end', changes: doc.changes, counts: doc.counts, requests }, 'plan end');

    if (github) {
      const file = annotationPath(csvArg, io.env, io.cwd);
      const notOk = lines.filter((l) => l.expectedStatus !== 'success');
      for (const l of notOk.slice(0, ANNOTATIONS)) {
        const annotate = l.expectedStatus === 'rejected' ? errorAnnotation : warningAnnotation;
        io.stdout(annotate(l.detail, { file, ...(l.line === undefined ? {} : { line: l.line }), title: `row ${l.rowId} would be ${l.expectedStatus} (${l.reasonCode})` }));
      }
      if (notOk.length > ANNOTATIONS) io.stdout(noticeAnnotation(`${notOk.length - ANNOTATIONS} more rows would not succeed: see plan.csv`));
    }
    const c = doc.counts.byExpectedStatus;
    io.stdout(
      `plan: ${doc.changes} row(s) would change the org, ${doc.counts.byAction.no_change ?? 0} no change, ${c.pending ?? 0} would end pending, ${c.rejected ?? 0} rejected ` +
        `(${requests} requests, all reads) — ${join(values.out, PLAN_FILES.md)}\n`,
    );
    if (doc.readFailures > 0) return fail(RUN_EXIT.configOrStartupFailed, `${doc.readFailures} row(s) could not be planned because a read failed (see ${join(values.out, PLAN_FILES.md)}): not a complete plan`);
    return values['detailed-exitcode'] && doc.changes > 0 ? PLAN_EXIT_CHANGES : 0;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    log.fatal({ event: 'internal_error', error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) }, 'internal error');
    return fail(RUN_EXIT.internalError, `internal error: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    await Promise.all([startup.close(), client.close()]);
  }
}
