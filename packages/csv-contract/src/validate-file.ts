import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  claimTempPath,
  CsvSyntaxError,
  REJECTED_COLUMNS,
  minifyRow,
  openCsvAppender,
  physicalRecordBatches,
  releaseTempPath,
  syncDirectory,
  type CsvAppender,
} from '@wbp/files';
import { CANONICAL_COLUMNS, ENTITY_TYPES, IDENTITY_COLUMNS, type EntityType } from './columns.js';
import { resolveDefaults } from './defaults.js';
import { DuplicateKeys } from './duplicate-keys.js';
import { Utf8Check, assertNotWideEncoding } from './encoding.js';
import { CsvFileError } from './errors.js';
import { missingColumns, resolveHeader, type Header } from './header.js';
import { PRE_API_REASON_CODES, formatIssue, type PreApiReasonCode, type RowIssue, type RuleId } from './reasons.js';
import { ReadyFileWriter } from './ready-file.js';
import { LocationOrphans, type OrphanedLocation } from './orphans.js';
import { validateRecord } from './validate-row.js';

export const READY_FILE = 'ready_to_load.csv';
export const REJECTED_FILE = 'rejected_rows.csv';
/**
 * The most cell text one input record (a row, all its cells) may hold (input_schema.md §1). Far
 * above any real row; it bounds what an unclosed quote can make the parser buffer.
 */
export const MAX_RECORD_BYTES = 64 * 1024;

export interface ValidateOptions {
  /**
   * Explicit defaults for empty location cells (preferred_language, announcement_language,
   * address_state, address_country, time_zone). Nothing else is ever filled in.
   */
  defaults?: Readonly<Record<string, string | undefined>>;
  /** Fail the file (`too_many_rows`) past this many data rows. Default: no limit. */
  maxRows?: number;
  /** How many rejected rows `rejectedRows` lists (for annotations). Default 1000. */
  listLimit?: number;
  /** Clock for the `timestamp` column (tests). */
  now?: () => Date;
}

export interface RejectedRowInfo {
  rowId: number;
  /** Physical line in the input where the row starts (header = line 1). */
  line: number;
  /** The column of the first issue, when it has one. */
  column?: string | undefined;
  reasonCode: PreApiReasonCode;
  /** The rule of the first issue (see input_schema.md). */
  rule: RuleId;
  /** The full reason_message: every issue of the row. */
  message: string;
}

export interface ValidationSummary {
  inputPath: string;
  readyPath: string;
  rejectedPath: string;
  /** Data rows (blank lines and all-empty records are not rows). */
  rows: number;
  ready: number;
  rejected: number;
  /** Rejections per reason code; every pre-API code is present. */
  byReason: Record<string, number>;
  /** Rejections per rule of the first issue. */
  byRule: Record<string, number>;
  /** The first `listLimit` rejected rows, in input order. */
  rejectedRows: RejectedRowInfo[];
  /** Header names the contract does not know (their values were ignored). */
  ignoredColumns: string[];
  /**
   * Rejected location rows that ready rows still name in `location_key` (no ready location row
   * has that key or name): unless the location already exists in Webex, those rows will end pending.
   */
  orphanedLocations: OrphanedLocation[];
  /** sha256 of the input bytes (the checkpoint's input_hash). */
  inputSha256: string;
}

/**
 * Validates a site CSV and writes `ready_to_load.csv` (normalised rows + row_id, input order) and
 * `rejected_rows.csv` into `outDir`. Both are written to temporary files and renamed into place
 * only when the whole file has been read, so a failed or interrupted validation never leaves a
 * half file, and re-validating replaces the previous outputs. A problem with the file as a whole
 * throws `CsvFileError` (and writes nothing).
 */
export async function validateCsvFile(inputPath: string, outDir: string, options: ValidateOptions = {}): Promise<ValidationSummary> {
  const defaults = resolveDefaults(options.defaults);
  const listLimit = options.listLimit ?? 1000;
  const now = options.now ?? (() => new Date());
  await assertReadable(inputPath);
  await mkdir(outDir, { recursive: true });

  const readyPath = join(outDir, READY_FILE);
  const rejectedPath = join(outDir, REJECTED_FILE);
  // The one temp-file scheme (@wbp/files): a crash mid-validation leaves temps that the next
  // `wbp run` in this folder recognises and deletes (`cleanStaleTemps`, at start, under the lock).
  const readyTmp = claimTempPath(outDir, READY_FILE);
  const rejectedTmp = claimTempPath(outDir, REJECTED_FILE);

  const hash = createHash('sha256');
  const byReason: Record<string, number> = Object.fromEntries(PRE_API_REASON_CODES.map((code) => [code, 0]));
  const byRule: Record<string, number> = {};
  const rejectedRows: RejectedRowInfo[] = [];
  const entityTypes = new Set<EntityType>();
  const duplicates = new DuplicateKeys();
  const orphans = new LocationOrphans();
  let header: Header | undefined;
  let headerLine = 1;
  let rows = 0;
  let ready = 0;
  let inFlight = 0;

  const readyFile = new ReadyFileWriter(readyTmp);
  let rejectedFile: CsvAppender<(typeof REJECTED_COLUMNS)[number]> | undefined;
  const source = createReadStream(inputPath);
  let firstChunk = true;
  const utf8 = new Utf8Check(inputPath);
  try {
    rejectedFile = await openCsvAppender(rejectedTmp, REJECTED_COLUMNS);
    const batches = physicalRecordBatches(source, {
      relaxQuotes: true,
      skipEmptyLines: true,
      maxRecordSize: MAX_RECORD_BYTES,
      onChunk: (chunk) => {
        if (firstChunk) assertNotWideEncoding(inputPath, chunk);
        firstChunk = false;
        hash.update(chunk);
        utf8.check(chunk);
      },
    });
    let lastLine = 1;
    for await (const batch of batches)
      for (const { cells, line } of batch) {
        lastLine = line;
        utf8.assertCells(cells, line);
        if (isBlankRecord(cells)) continue;
        if (!header) {
          header = resolveHeader(inputPath, cells, line);
          headerLine = line;
          continue;
        }
        rows++;
        if (options.maxRows !== undefined && rows > options.maxRows) {
          throw new CsvFileError(inputPath, 'too_many_rows', `more than ${options.maxRows} data rows`, line);
        }

        const raw: Record<string, string> = {};
        for (const [column, index] of header.columns) raw[column] = cells[index] ?? '';
        const shape = rowShapeIssue(cells, header.width);
        let verdict = validateRecord(raw, defaults);
        const type = verdict.entityType;
        if (isEntityType(type)) entityTypes.add(type); // invalid rows count too: they need the columns as much
        if (shape) {
          verdict = verdict.ok
            ? {
                ok: false,
                reasonCode: 'invalid_input_schema',
                issues: [shape],
                entityType: verdict.entityType,
                entityKey: verdict.row.entity_key,
              }
            : { ...verdict, issues: [shape, ...verdict.issues] };
        }

        if (verdict.ok) {
          const duplicate = duplicates.claim(verdict.entityType, verdict.row, rows, line);
          if (!duplicate) {
            const backpressure = readyFile.write(rows, verdict.row);
            if (backpressure) await backpressure;
            ready++;
            if (verdict.entityType === 'location') orphans.readyLocation(verdict.row.entity_key, verdict.row.location_name);
            else orphans.dependent(verdict.entityType, verdict.row.location_key, rows, line);
            continue;
          }
          verdict = {
            ok: false,
            reasonCode: 'duplicate_key',
            issues: [duplicate],
            entityType: verdict.entityType,
            entityKey: verdict.row.entity_key,
          };
        }

        if (verdict.entityType === 'location') orphans.rejectedLocation(raw, rows, line, verdict.reasonCode);
        const first = verdict.issues[0] as RowIssue;
        const message = verdict.issues.map(formatIssue).join('; ');
        byReason[verdict.reasonCode] = (byReason[verdict.reasonCode] ?? 0) + 1;
        byRule[first.rule] = (byRule[first.rule] ?? 0) + 1;
        if (rejectedRows.length < listLimit) {
          rejectedRows.push({ rowId: rows, line, column: first.column, reasonCode: verdict.reasonCode, rule: first.rule, message });
        }
        // not awaited one by one (each is a real write); a bounded window keeps memory flat, and a
        // failed write resurfaces from close()
        const appended = rejectedFile.append({
          timestamp: now().toISOString(),
          row_id: rows,
          entity_type: verdict.entityType,
          entity_key: verdict.entityKey,
          reason_code: verdict.reasonCode,
          reason_message: message,
          raw_row_minified: minifyRow(raw, RAW_COLUMNS),
        });
        appended.catch(() => undefined);
        if (++inFlight % APPEND_WINDOW === 0) await appended;
      }

    utf8.end(lastLine);
    if (!header) throw new CsvFileError(inputPath, 'empty_file', 'the file is empty (no header, no rows)');
    if (rows === 0) throw new CsvFileError(inputPath, 'empty_file', 'the file has a header but no data rows');
    const missing = missingColumns(header, entityTypes, new Set(Object.keys(defaults)));
    if (missing) throw new CsvFileError(inputPath, 'missing_columns', missing, headerLine);

    await readyFile.close();
    await rejectedFile.close();
    await rename(readyTmp, readyPath);
    await rename(rejectedTmp, rejectedPath);
    await syncDirectory(outDir);
  } catch (err) {
    source.destroy();
    readyFile.destroy();
    await rejectedFile?.close().catch(() => undefined);
    await Promise.all([rm(readyTmp, { force: true }), rm(rejectedTmp, { force: true })]);
    if (err instanceof CsvSyntaxError) throw new CsvFileError(inputPath, 'malformed_csv', syntaxErrorDetail(err), err.line);
    throw err;
  } finally {
    releaseTempPath(readyTmp);
    releaseTempPath(rejectedTmp);
  }

  const rejected = rows - ready;
  return {
    inputPath,
    readyPath,
    rejectedPath,
    rows,
    ready,
    rejected,
    byReason,
    byRule,
    rejectedRows,
    ignoredColumns: header.ignored,
    orphanedLocations: orphans.list(),
    inputSha256: hash.digest('hex'),
  };
}

/** `,,,,` lines left behind by spreadsheets are neither a header nor a row (and get no row_id). */
export function isBlankRecord(cells: readonly string[]): boolean {
  return cells.every((cell) => cell.trim() === '');
}

/**
 * The physical line (header = line 1) where each of `rowIds` starts, counting rows exactly as
 * validation does; for reports that point back into the CSV after the run (a few rows, one pass).
 */
export async function physicalLinesOf(inputPath: string, rowIds: ReadonlySet<number>): Promise<Map<number, number>> {
  const lines = new Map<number, number>();
  if (rowIds.size === 0) return lines;
  const source = createReadStream(inputPath);
  let seenHeader = false;
  let rows = 0;
  try {
    for await (const batch of physicalRecordBatches(source, { relaxQuotes: true, skipEmptyLines: true, maxRecordSize: MAX_RECORD_BYTES })) {
      for (const { cells, line } of batch) {
        if (isBlankRecord(cells)) continue;
        if (!seenHeader) {
          seenHeader = true;
          continue;
        }
        if (rowIds.has(++rows)) lines.set(rows, line);
        if (lines.size === rowIds.size) return lines;
      }
    }
  } finally {
    source.destroy();
  }
  return lines;
}

/** Rejected-row appends queued before waiting for one to land. */
const APPEND_WINDOW = 256;

/** raw_row_minified of a rejected row: what was written in the contract's columns, in contract order. */
const RAW_COLUMNS: readonly string[] = [...CANONICAL_COLUMNS, ...IDENTITY_COLUMNS];

function isEntityType(value: string): value is EntityType {
  return (ENTITY_TYPES as readonly string[]).includes(value);
}

function rowShapeIssue(cells: readonly string[], width: number): RowIssue | undefined {
  if (cells.length < width) {
    return {
      rule: 'row_shape',
      message: `the row has ${cells.length} cells but the header has ${width}; a value is missing or a line was split`,
    };
  }
  if (cells.length > width && cells.slice(width).some((cell) => cell.trim() !== '')) {
    return {
      rule: 'row_shape',
      message: `the row has ${cells.length} cells but the header has ${width}; is there an unquoted comma in a value?`,
    };
  }
  return undefined;
}

async function assertReadable(path: string): Promise<void> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new CsvFileError(path, 'unreadable', 'not a regular file');
  } catch (err) {
    if (err instanceof CsvFileError) throw err;
    throw new CsvFileError(path, 'unreadable', `cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

function syntaxErrorDetail(err: CsvSyntaxError): string {
  if (err.code !== 'CSV_MAX_RECORD_SIZE') return err.detail;
  return `the record starting on this line is longer than ${MAX_RECORD_BYTES / 1024} KiB (the limit per row): a quote opened in it is most likely never closed; close it, or double a quote meant literally ("")`;
}
