import { appendFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { ContractConfigError, CsvFileError, validateCsvFile, type OrphanedLocation, type ValidationSummary } from '@wbp/csv-contract';
import type { Command } from '../command.js';
import { annotationPath, errorAnnotation, mdCode, mdText, noticeAnnotation, warningAnnotation } from '../github.js';
import { parseDefaults } from '../default-flags.js';
import { EXIT, parseCommandArgs, UsageError, type CliIo } from '../io.js';
import { unusableOutDir } from '../paths.js';

const USAGE = `usage: wbp validate <csv> --out <dir> [--format text|github] [--fail-on-rejected]
                    [--default column=value]... [--max-rows N] [--max-annotations N]

Validates a site CSV against input_schema.md without calling any API, and writes
<dir>/ready_to_load.csv and <dir>/rejected_rows.csv.

  --out DIR             where to write the two files (created if missing)
  --format github       also print ::error annotations (first --max-annotations, default 10)
                        and append a Markdown report to $GITHUB_STEP_SUMMARY when it is set
  --fail-on-rejected    exit 1 when any row is rejected (the PR check)
  --default col=value   explicit default for empty location cells; repeatable; only
                        preferred_language, announcement_language, address_state,
                        address_country, time_zone
  --max-rows N          fail the file if it has more than N data rows

Exit codes: 0 validated; 1 rows rejected (with --fail-on-rejected); 2 the file cannot be
validated (missing required columns, not UTF-8, unreadable, ...) or bad arguments.`;

/** How many rejected rows the text output and the step summary list. */
const TEXT_LIST = 20;
const SUMMARY_LIST = 50;

interface ValidateArgs {
  csv: string;
  out: string;
  github: boolean;
  failOnRejected: boolean;
  defaults: Record<string, string>;
  maxRows: number | undefined;
  maxAnnotations: number;
}

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check a site CSV (no API calls); write ready_to_load.csv and rejected_rows.csv',
  usage: USAGE,
  async run(argv, io) {
    const args = parseValidateArgs(argv);
    const outProblem = await unusableOutDir(resolve(io.cwd, args.out));
    if (outProblem) {
      io.stderr(`wbp validate: --out ${args.out} ${outProblem}\n`);
      return EXIT.unusable;
    }
    let summary: ValidationSummary;
    try {
      summary = await validateCsvFile(resolve(io.cwd, args.csv), resolve(io.cwd, args.out), {
        defaults: args.defaults,
        ...(args.maxRows === undefined ? {} : { maxRows: args.maxRows }),
        listLimit: Math.max(args.maxAnnotations, SUMMARY_LIST, TEXT_LIST),
      });
    } catch (err) {
      if (err instanceof ContractConfigError) throw new UsageError(err.message);
      if (!(err instanceof CsvFileError)) throw err;
      io.stderr(`wbp validate: ${args.csv}${err.line === undefined ? '' : `:${err.line}`}: ${err.detail}\n`);
      if (args.github) {
        const file = annotationPath(args.csv, io.env, io.cwd);
        io.stdout(
          errorAnnotation(err.detail, { file, ...(err.line === undefined ? {} : { line: err.line }), title: `invalid CSV (${err.kind})` }),
        );
        const where = err.line === undefined ? '' : ` (line ${err.line})`;
        await appendStepSummary(
          io,
          `## wbp validate: ${mdCode(file)}\n\n**The file cannot be validated**${where}: ${mdText(err.detail)}\n\n`,
        );
      }
      return EXIT.unusable;
    }

    io.stdout(textReport(args.csv, summary, io.cwd));
    if (args.github) {
      const file = annotationPath(args.csv, io.env, io.cwd);
      for (const row of summary.rejectedRows.slice(0, args.maxAnnotations)) {
        io.stdout(errorAnnotation(row.message, { file, line: row.line, title: `row ${row.rowId} rejected (${row.reasonCode})` }));
      }
      for (const orphan of summary.orphanedLocations.slice(0, args.maxAnnotations)) {
        io.stdout(
          warningAnnotation(orphanMessage(orphan), {
            file,
            line: orphan.locationLine,
            title: `${orphan.dependents} row(s) depend on rejected location row ${orphan.locationRowId}`,
          }),
        );
      }
      const unannotated = summary.rejected - Math.min(args.maxAnnotations, summary.rejectedRows.length);
      if (unannotated > 0)
        io.stdout(
          noticeAnnotation(
            `${unannotated} more rejected rows: see the job summary and ${annotationPath(summary.rejectedPath, io.env, io.cwd)}`,
          ),
        );
      await appendStepSummary(io, markdownReport(file, summary));
    }
    return args.failOnRejected && summary.rejected > 0 ? EXIT.rejected : EXIT.ok;
  },
};

function parseValidateArgs(argv: readonly string[]): ValidateArgs {
  const { values, positionals } = parseCommandArgs(argv, {
    out: { type: 'string' },
    format: { type: 'string', default: 'text' },
    'fail-on-rejected': { type: 'boolean', default: false },
    default: { type: 'string', multiple: true, default: [] },
    'max-rows': { type: 'string' },
    'max-annotations': { type: 'string', default: '10' },
  });
  if (positionals.length !== 1)
    throw new UsageError(positionals.length === 0 ? 'missing <csv>' : `one <csv> at a time, got ${positionals.length}`);
  if (!values.out) throw new UsageError('missing --out <dir>');
  if (values.format !== 'text' && values.format !== 'github') throw new UsageError(`--format must be text or github, not ${values.format}`);
  const defaults = parseDefaults(values.default);
  return {
    csv: positionals[0] as string,
    out: values.out,
    github: values.format === 'github',
    failOnRejected: values['fail-on-rejected'],
    defaults,
    maxRows: values['max-rows'] === undefined ? undefined : positiveInt('--max-rows', values['max-rows']),
    maxAnnotations: positiveInt('--max-annotations', values['max-annotations'], true),
  };
}

function positiveInt(flag: string, text: string, zeroAllowed = false): number {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || (!zeroAllowed && n === 0))
    throw new UsageError(`${flag} expects a ${zeroAllowed ? 'non-negative' : 'positive'} integer, got ${text}`);
  return n;
}

function textReport(csv: string, s: ValidationSummary, cwd: string): string {
  const shown = (path: string): string => (relative(cwd, path).startsWith('..') ? path : relative(cwd, path));
  const width = Math.max(...Object.keys(s.byReason).map((code) => code.length));
  const lines = [
    `wbp validate ${csv}`,
    `  rows      ${s.rows}`,
    `  ready     ${s.ready}`,
    `  rejected  ${s.rejected}`,
    ...Object.entries(s.byReason).map(([code, n]) => `    ${code.padEnd(width)}  ${n}`),
  ];
  if (s.ignoredColumns.length > 0) lines.push(`  ignored columns: ${s.ignoredColumns.join(', ')}`);
  for (const row of s.rejectedRows.slice(0, TEXT_LIST)) {
    lines.push(`  line ${row.line} (row ${row.rowId}) ${row.reasonCode}: ${row.message}`);
  }
  if (s.rejected > TEXT_LIST) lines.push(`  … ${s.rejected - TEXT_LIST} more in ${shown(s.rejectedPath)}`);
  for (const orphan of s.orphanedLocations) lines.push(`  warning: ${orphanMessage(orphan)}`);
  lines.push(`  wrote ${shown(s.readyPath)}`, `  wrote ${shown(s.rejectedPath)}`, `  input sha256 ${s.inputSha256}`);
  return `${lines.join('\n')}\n`;
}

function markdownReport(file: string, s: ValidationSummary): string {
  const out = [
    `## wbp validate: ${mdCode(file)}`,
    '',
    s.rejected === 0 ? `All ${s.rows} rows are valid.` : `**${s.rejected} of ${s.rows} rows rejected** (${s.ready} ready).`,
    '',
    '| reason_code | rows |',
    '| --- | ---: |',
    ...Object.entries(s.byReason).map(([code, n]) => `| ${code} | ${n} |`),
    '',
  ];
  if (s.rejected > 0) {
    out.push('| line | row | column | reason | message |', '| ---: | ---: | --- | --- | --- |');
    for (const row of s.rejectedRows.slice(0, SUMMARY_LIST)) {
      out.push(`| ${row.line} | ${row.rowId} | ${mdText(row.column ?? '')} | ${row.reasonCode} | ${mdText(row.message)} |`);
    }
    if (s.rejected > SUMMARY_LIST) out.push('', `… and ${s.rejected - SUMMARY_LIST} more: see rejected_rows.csv in the run's artifacts.`);
    out.push('');
  }
  if (s.orphanedLocations.length > 0) {
    out.push(
      '**Rows that depend on a rejected location row** (ready, but they will end pending unless the location already exists in Webex):',
      '',
    );
    out.push('| location row (line) | location_key | reason | dependent rows | first of them (line) |', '| --- | --- | --- | ---: | --- |');
    for (const o of s.orphanedLocations) {
      out.push(
        `| ${o.locationRowId} (${o.locationLine}) | ${mdText(o.locationKey)} | ${o.reasonCode} | ${o.dependents} | ${o.sample.map((r) => `${r.rowId} (${r.line})`).join(', ')} |`,
      );
    }
    out.push('');
  }
  if (s.ignoredColumns.length > 0)
    out.push(`Ignored columns (not in the contract): ${s.ignoredColumns.map((c) => mdCode(c)).join(', ')}`, '');
  out.push(`Input sha256 \`${s.inputSha256}\``, '', '');
  return out.join('\n');
}

function orphanMessage(o: OrphanedLocation): string {
  const first = o.sample.map((r) => `${r.rowId} (line ${r.line})`).join(', ');
  return (
    `${o.dependents} row(s) name location_key "${o.locationKey}", whose location row ${o.locationRowId} (line ${o.locationLine}) was rejected (${o.reasonCode}): ` +
    `they will end pending unless that location already exists in Webex; fix line ${o.locationLine} first (rows ${first}${o.dependents > o.sample.length ? ', …' : ''})`
  );
}

async function appendStepSummary(io: CliIo, markdown: string): Promise<void> {
  const path = io.env.GITHUB_STEP_SUMMARY;
  if (path) await appendFile(path, markdown);
}
