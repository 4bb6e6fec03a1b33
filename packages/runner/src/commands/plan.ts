import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ContractConfigError,
  CsvFileError,
  physicalLinesOf,
  READY_FILE,
  readReadyRows,
  REJECTED_FILE,
  validateCsvFile,
} from '@wbp/csv-contract';
import { DEFAULT_EXECUTOR_CONFIG, execRowOf, plan, PlanReader, readOnly, type ExecRow, type RunLogger } from '@wbp/executor-core';
import { sha256File } from '@wbp/state';
import type { Redactor } from '@wbp/webex-client/internal';
import { readCsvRecords, REJECTED_COLUMNS } from '@wbp/files';
import type { Command } from '../command.js';
import { parseDefaults } from '../default-flags.js';
import { annotationPath, errorAnnotation, noticeAnnotation, warningAnnotation } from '../github.js';
import { parseCommandArgs, UsageError, type CliIo } from '../io.js';
import { checkPaths, internalError, openLog, readConfig, reportingRefusals, resolvePaths, scrubbedIo } from '../run/command-setup.js';
import { connect, type Connection } from '../run/connect.js';
import { EXIT_MEANING, RUN_EXIT } from '../run/exit-status.js';
import { supersededCallerIds, fromPlanned, planCsv, planDocument, planMarkdown, type PlanLine } from '../run/plan-report.js';
import { Refusal } from '../run/refusal.js';
import type { RunConfig } from '../run/run-config.js';
import { startupChecks } from '../run/startup-checks.js';

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

export const planCommand: Command = {
  name: 'plan',
  summary: 'what wbp run would do with a site CSV (read-only): plan.csv, plan.md, plan.json',
  usage: USAGE,
  run: (argv, io) => planSite(argv, io),
};

/** `wbp plan`'s command line, checked: every mistake is a UsageError (exit 2, nothing done). */
interface PlanArgs {
  csvArg: string;
  out: string;
  github: boolean;
  detailedExitcode: boolean;
  defaults: Record<string, string>;
}

function parsePlanArgs(argv: readonly string[]): PlanArgs {
  const { values, positionals } = parseCommandArgs(argv, {
    out: { type: 'string' },
    format: { type: 'string', default: 'text' },
    'detailed-exitcode': { type: 'boolean', default: false },
    default: { type: 'string', multiple: true, default: [] },
  });
  if (positionals.length !== 1)
    throw new UsageError(positionals.length === 0 ? 'missing <csv>' : `give exactly one CSV file, got ${positionals.length}`);
  if (!values.out) throw new UsageError('missing --out <dir>');
  if (values.format !== 'text' && values.format !== 'github') throw new UsageError(`--format must be text or github, not ${values.format}`);
  return {
    csvArg: positionals[0]!,
    out: values.out,
    github: values.format === 'github',
    detailedExitcode: values['detailed-exitcode'],
    defaults: parseDefaults(values.default),
  };
}

/** The composition root of `wbp plan`: the run's set-up steps (scrubbed output, configuration, paths, log, clients), then the plan. */
async function planSite(argv: readonly string[], rawIo: CliIo): Promise<number> {
  const args = parsePlanArgs(argv);
  // The same scrubber as the run's: every output and message goes through it.
  const { io, redact } = scrubbedIo(rawIo);
  return reportingRefusals('wbp plan', io, async () => {
    const config = readConfig(io);
    const paths = resolvePaths(io, args.csvArg, args.out);
    await checkPaths(paths);
    await mkdir(paths.outDir, { recursive: true });
    const csvSha256 = await sha256File(paths.csv);
    const log = openLog(paths.outDir, args.out, 'plan.log', config, redact);
    const conn = connect({ config, log, redact, rawIo });
    try {
      return await planRows({ args, io, redact, config, paths, csvSha256, log, conn });
    } catch (err) {
      if (err instanceof UsageError || err instanceof Refusal) throw err;
      throw internalError(err, log);
    } finally {
      await conn.close();
    }
  });
}

interface PlanContext {
  args: PlanArgs;
  io: CliIo;
  redact: Redactor;
  config: RunConfig;
  paths: ReturnType<typeof resolvePaths>;
  csvSha256: string;
  log: RunLogger;
  conn: Connection;
}

async function planRows({ args, io, redact, config, paths, csvSha256, log, conn }: PlanContext): Promise<number> {
  const { env } = config;
  const { csv, csvArg, outDir } = paths;
  const { client, startup, requests } = conn;
  log.info({ event: 'plan_start', csv: csvArg, csv_sha256: csvSha256, environment: env.ENVIRONMENT }, 'plan start');
  // The startup checks (reads of the org) go on while the CSV is validated: neither needs the other.
  // Only the read methods of the client, in a new object: the plan has no way to send a mutation.
  const reader = new PlanReader(readOnly(client));
  const checking = startupChecks(startup, client, log, config.executor.callingLicenceId, reader.port).finally(() => startup.close());
  let validation;
  try {
    validation = await validateCsvFile(csv, outDir, { defaults: args.defaults });
  } catch (err) {
    await checking;
    if (err instanceof ContractConfigError) throw new UsageError(err.message);
    if (err instanceof CsvFileError)
      throw new Refusal(
        RUN_EXIT.configOrStartupFailed,
        `${csvArg}${err.line === undefined ? '' : `:${err.line}`}: ${err.detail}; no plan was made`,
      );
    throw err;
  }
  io.stdout(`validated ${validation.rows} rows: ${validation.ready} ready, ${validation.rejected} rejected\n`);
  const ready: ExecRow[] = [];
  for await (const r of readReadyRows(join(outDir, READY_FILE))) ready.push(execRowOf(r));
  const checks = await checking;
  if (!checks.ok) throw new Refusal(RUN_EXIT.configOrStartupFailed, `startup_checks=fail: ${checks.cause}; no plan was made`);
  const licencesBefore = checks.org.licences.entries.map((e) => ({
    id: e.id,
    name: e.name,
    subscriptionId: e.subscriptionId,
    freeBefore: e.unitsLeft,
  }));

  const planned = await plan({
    rows: (type) =>
      (async function* () {
        for (const r of ready) if (r.entityType === type) yield r;
      })(),
    reader,
    orgCache: checks.org,
    // The executor's defaults but the licence pin, as before the configuration had one source:
    // a plan sends no mutation, so the settle window and compensation do not apply to it.
    config: { ...DEFAULT_EXECUTOR_CONFIG, callingLicenceId: config.executor.callingLicenceId },
    // Reads only, paced by the client's rate controller: as many in flight as a run may reach.
    concurrency: config.client.throttle.maxConcurrency,
    log,
  });

  log.info({ event: 'plan_decided', rows: planned.length, requests: requests() }, 'every ready row decided');
  const lines: PlanLine[] = planned.map(fromPlanned);
  for await (const r of readCsvRecords(join(outDir, REJECTED_FILE), REJECTED_COLUMNS)) {
    lines.push({
      rowId: Number(r.row_id),
      entityType: r.entity_type,
      entityKey: r.entity_key,
      action: 'none',
      expectedStatus: 'rejected',
      reasonCode: r.reason_code,
      detail: r.reason_message,
    });
  }
  lines.sort((a, b) => a.rowId - b.rowId);
  const wanted = new Set(lines.filter((l) => l.expectedStatus !== 'success').map((l) => l.rowId));
  const physical = await physicalLinesOf(csv, wanted).catch(() => new Map<number, number>());
  for (const l of lines) l.line = physical.get(l.rowId);

  const licences = licencesBefore.map((b) => ({
    ...b,
    freeAfter: checks.org.licences.entries.find((e) => e.id === b.id)?.unitsLeft ?? b.freeBefore,
  }));
  const doc = planDocument(
    lines,
    {
      csv: csvArg,
      csvSha256,
      environment: env.ENVIRONMENT,
      createdAt: new Date().toISOString(),
      requests: requests(),
      warnings: supersededCallerIds(ready),
    },
    licences,
  );
  const md = redact(planMarkdown(doc, lines));
  await writeFile(join(outDir, PLAN_FILES.csv), planCsv(lines, redact));
  await writeFile(join(outDir, PLAN_FILES.md), md);
  await writeFile(join(outDir, PLAN_FILES.json), redact(`${JSON.stringify(doc, null, 2)}\n`));
  if (io.env.GITHUB_STEP_SUMMARY) await appendFile(io.env.GITHUB_STEP_SUMMARY, `${md}\n`);
  log.info({ event: 'plan_end', changes: doc.changes, counts: doc.counts, requests: requests() }, 'plan end');

  if (args.github) {
    const file = annotationPath(csvArg, io.env, io.cwd);
    const notOk = lines.filter((l) => l.expectedStatus !== 'success');
    for (const l of notOk.slice(0, ANNOTATIONS)) {
      const annotate = l.expectedStatus === 'rejected' ? errorAnnotation : warningAnnotation;
      io.stdout(
        annotate(l.detail, {
          file,
          ...(l.line === undefined ? {} : { line: l.line }),
          title: `row ${l.rowId} would be ${l.expectedStatus} (${l.reasonCode})`,
        }),
      );
    }
    if (notOk.length > ANNOTATIONS) io.stdout(noticeAnnotation(`${notOk.length - ANNOTATIONS} more rows would not succeed: see plan.csv`));
  }
  const c = doc.counts.byExpectedStatus;
  io.stdout(
    `plan: ${doc.changes} row(s) would change the org, ${doc.counts.byAction.no_change ?? 0} no change, ${c.pending ?? 0} would end pending, ${c.rejected ?? 0} rejected ` +
      `(${requests()} requests, all reads) — ${join(args.out, PLAN_FILES.md)}\n`,
  );
  if (doc.readFailures > 0)
    throw new Refusal(
      RUN_EXIT.configOrStartupFailed,
      `${doc.readFailures} row(s) could not be planned because a read failed (see ${join(args.out, PLAN_FILES.md)}): not a complete plan`,
    );
  return args.detailedExitcode && doc.changes > 0 ? PLAN_EXIT_CHANGES : 0;
}
