// What `npm run bench` and `npm run bench:matrix` share: a generated site, wbp-sim in its own
// process, the real `wbp run` over HTTP, and what is read back afterwards (the simulator's
// counters, run.log, the pending rows) plus the floor from the documented request budget.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { readReadyRows, validateCsvFile, type ReadyRow } from '@wbp/csv-contract';
import { generateSite, writeSite, type GeneratedSite } from '@wbp/gen';
import { requiredRequests, type Budget, type OrgState } from './budget.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export interface SimStats {
  requests: { total: number; invalid: number; byStatus: Record<string, number>; byOperation: Record<string, number> };
  state: Record<string, number>;
}

/** A child's stderr: inherited, or appended to this file. */
export type StderrTarget = 'inherit' | string;

export type LogLine = Record<string, unknown> & { time?: string; event?: string };

function withStderr<T>(target: StderrTarget, use: (stderr: 'inherit' | number) => T): T {
  if (target === 'inherit') return use('inherit');
  mkdirSync(dirname(target), { recursive: true });
  const fd = openSync(target, 'a');
  try {
    return use(fd); // the child has its own copy of the descriptor once spawned
  } finally {
    closeSync(fd);
  }
}

/** Every child started here and not yet exited, so a failing caller can stop them all. */
const children = new Set<ChildProcess>();

function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** SIGTERM to every wbp-sim and `wbp run` this process started that is still running. */
export function stopChildren(): void {
  for (const child of children) child.kill('SIGTERM');
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) done(child.exitCode);
    else child.once('exit', (code) => done(code));
  });
}

export interface Sim {
  baseUrl: string;
  stats(): Promise<SimStats>;
  stop(): Promise<void>;
}

export interface SimOptions {
  /** Folder holding the generated people.csv and numbers.csv. */
  genDir: string;
  token: string;
  seed: number;
  callingLicenses: number;
  /** Profile flags (profile.ts `simFlags`). */
  flags: readonly string[];
  stderr?: StderrTarget;
}

/** Starts wbp-sim (tools/webex-sim/src/cli.ts) in its own process on a free loopback port. */
export async function startSim(o: SimOptions): Promise<Sim> {
  const child = withStderr(o.stderr ?? 'inherit', (stderr) =>
    track(
      spawn(
        process.execPath,
        [
          '--conditions=@wbp/source',
          '--import',
          'tsx',
          'tools/webex-sim/src/cli.ts',
          '--port',
          '0',
          '--token',
          o.token,
          '--seed',
          String(o.seed),
          '--people',
          join(o.genDir, 'people.csv'),
          '--numbers',
          join(o.genDir, 'numbers.csv'),
          '--calling-licenses',
          String(o.callingLicenses),
          ...o.flags,
        ],
        { cwd: ROOT, stdio: ['ignore', 'pipe', stderr] },
      ),
    ),
  );
  const line = await new Promise<string>((res, rej) => {
    createInterface({ input: child.stdout! }).once('line', res);
    child.once('exit', (code) => rej(new Error(`wbp-sim exited (${String(code)}) before listening`)));
  });
  const baseUrl = (JSON.parse(line) as { baseUrl: string }).baseUrl;
  return {
    baseUrl,
    stats: async () => (await (await fetch(baseUrl.replace(/\/v1$/, '/_sim/stats'))).json()) as SimStats,
    stop: async () => {
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}

export interface WbpRunOptions {
  csv: string;
  outDir: string;
  baseUrl: string;
  token: string;
  env: Record<string, string>;
  stderr?: StderrTarget;
  /** Stop the run (SIGTERM: rows in flight finish, checkpoint, exit 40) after this long… */
  deadlineMs?: number;
  /** …and kill it (SIGKILL) if it is still going this long after that. */
  graceMs?: number;
}

export interface WbpRunResult {
  /** Exit status; 137 when it had to be killed. */
  code: number;
  seconds: number;
  /** Epoch ms just before the process was spawned. */
  spawnedAt: number;
  /** The deadline was reached and the run was told to stop. */
  stopped: boolean;
}

/** The real `wbp run` (packages/runner/bin/wbp.mjs), as an operator starts it. */
export async function wbpRun(o: WbpRunOptions): Promise<WbpRunResult> {
  const spawnedAt = Date.now();
  const t0 = performance.now();
  const child = withStderr(o.stderr ?? 'inherit', (stderr) =>
    track(
      spawn(process.execPath, [join(ROOT, 'packages/runner/bin/wbp.mjs'), 'run', o.csv, '--out', o.outDir, '--progress', 'off'], {
        cwd: ROOT,
        stdio: ['ignore', 'ignore', stderr],
        // The heap cap the provision workflow uses: V8 otherwise lets a fast-allocating run grow to ~400 MB.
        env: {
          ...process.env,
          NODE_OPTIONS: '--max-old-space-size=192',
          ENVIRONMENT: 'lab',
          WEBEX_BASE_URL: o.baseUrl,
          WEBEX_TOKEN: o.token,
          ...o.env,
        },
      }),
    ),
  );
  let stopped = false;
  let killTimer: NodeJS.Timeout | undefined;
  const stopTimer =
    o.deadlineMs === undefined
      ? undefined
      : setTimeout(() => {
          stopped = true;
          child.kill('SIGTERM');
          killTimer = setTimeout(() => child.kill('SIGKILL'), o.graceMs ?? 30_000);
        }, o.deadlineMs);
  const code = await exited(child);
  clearTimeout(stopTimer);
  clearTimeout(killTimer);
  return { code: code ?? (child.signalCode === 'SIGKILL' ? 137 : 70), seconds: (performance.now() - t0) / 1000, spawnedAt, stopped };
}

export function readRunLog(runDir: string): LogLine[] {
  const file = join(runDir, 'run.log');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as LogLine);
}

export type StartupSource = 'rows_start.startup_ms' | 'phase_start(1) − first log line' | 'unavailable';

export interface Startup {
  /** Process start to the first row request, as the source below gives it. */
  seconds: number | null;
  source: StartupSource;
  /** Spawn (as the bench saw it) to phase 1's start: includes Node and tsx boot, which the log cannot see. */
  fromSpawnSeconds: number | null;
}

const at = (l: LogLine | undefined): number | null => (l && typeof l.time === 'string' ? Date.parse(l.time) : null);
export const round = (n: number, places: number): number => Math.round(n * 10 ** places) / 10 ** places;

/** Start-up: `rows_start.startup_ms` when wbp logs it, else phase 1's `phase_start` minus the first log line. */
export function startupOf(log: readonly LogLine[], spawnedAt?: number): Startup {
  const phase1 = at(log.find((l) => l.event === 'phase_start' && Number(l.phase) === 1));
  const fromSpawnSeconds = phase1 !== null && spawnedAt !== undefined ? round((phase1 - spawnedAt) / 1000, 2) : null;
  const rowsStart = log.find((l) => l.event === 'rows_start' && typeof l.startup_ms === 'number');
  if (rowsStart) return { seconds: round((rowsStart.startup_ms as number) / 1000, 2), source: 'rows_start.startup_ms', fromSpawnSeconds };
  const first = at(log[0]);
  if (phase1 !== null && first !== null)
    return { seconds: round((phase1 - first) / 1000, 2), source: 'phase_start(1) − first log line', fromSpawnSeconds };
  return { seconds: null, source: 'unavailable', fromSpawnSeconds };
}

export type PeakSource = 'run_end.peak_concurrency' | 'max batch_end.concurrency' | 'unavailable';

/** Peak concurrency: `run_end.peak_concurrency` when logged, else the highest limit a batch ended at. */
export function peakConcurrencyOf(log: readonly LogLine[]): { value: number | null; source: PeakSource } {
  const runEnd = log.find((l) => l.event === 'run_end');
  if (runEnd && typeof runEnd.peak_concurrency === 'number') return { value: runEnd.peak_concurrency, source: 'run_end.peak_concurrency' };
  const limits = log.filter((l) => l.event === 'batch_end' && typeof l.concurrency === 'number').map((l) => l.concurrency as number);
  return limits.length > 0 ? { value: Math.max(...limits), source: 'max batch_end.concurrency' } : { value: null, source: 'unavailable' };
}

/** The concurrency the run settled on: the median batch_end limit over the second half of the batches. */
export function settledConcurrencyOf(log: readonly LogLine[]): number | null {
  const limits = log.filter((l) => l.event === 'batch_end').map((l) => Number(l.concurrency));
  const settled = limits.slice(Math.floor(limits.length / 2)).sort((a, b) => a - b);
  return settled[Math.floor(settled.length / 2)] ?? null;
}

/** RFC 4180 records of a whole (small) CSV text: quoted cells, doubled quotes, LF or CRLF. */
export function csvRecords(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c !== '"') cell += c;
      else if (text[i + 1] === '"') {
        cell += '"';
        i++;
      } else quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      record.push(cell);
      records.push(record);
      record = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || record.length > 0) {
    record.push(cell);
    records.push(record);
  }
  return records;
}

function csvObjects(file: string): Record<string, string>[] {
  if (!existsSync(file)) return [];
  const [header, ...rows] = csvRecords(readFileSync(file, 'utf8'));
  if (!header) return [];
  return rows.map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i] ?? ''])));
}

/**
 * Rows whose latest outcome is pending with this HTTP status (the latest results.csv line of each
 * row, and that attempt's pending_rows.csv line; the column names are the writers' contract,
 * packages/files/src/columns.ts). A row pending in one attempt and fixed by a later one is not counted.
 */
export function rowsPendingWithStatus(runDir: string, httpStatus: number): number {
  const latest = (file: string) => {
    const byRow = new Map<string, Record<string, string>>();
    // Lines are appended attempt by attempt: the last line of a row is its latest.
    for (const r of csvObjects(join(runDir, file))) byRow.set(r.row_id!, r);
    return byRow;
  };
  const status = String(httpStatus);
  const results = latest('results.csv');
  const ids = new Set<string>();
  for (const [id, r] of results) if (r.status === 'pending' && r.http_status === status) ids.add(id);
  // A pending line of a later attempt than the row's results line: a crash fell between the two writes.
  for (const [id, p] of latest('pending_rows.csv'))
    if (p.http_status === status && Number(p.attempt) > Number(results.get(id)?.attempt ?? 0)) ids.add(id);
  return ids.size;
}

/** The org the generated site seeds wbp-sim with, as the budget sees it. */
export function orgStateOf(site: GeneratedSite): OrgState {
  return {
    directory: new Set(site.people.map((p) => p.email.toLowerCase())),
    takenExtensions: new Set(
      site.people.filter((p) => p.location_name && p.extension).map((p) => `${p.location_name.toLowerCase()}|${p.extension}`),
    ),
  };
}

/** The documented request budget (budget.ts) of a ready_to_load.csv against the site's org. */
export async function budgetOf(readyPath: string, site: GeneratedSite): Promise<Budget> {
  const ready: ReadyRow[] = [];
  for await (const r of readReadyRows(readyPath)) ready.push(r);
  return requiredRequests(ready, orgStateOf(site));
}

/**
 * The request budget of an N-row generated site, before any run: the site is written and
 * validated (as `wbp run` will validate it) in `scratchDir`, which is removed afterwards.
 */
export async function budgetForRows(rows: number, seed: number, scratchDir: string): Promise<Budget> {
  const site = generateSite({ rows, seed });
  try {
    await writeSite(scratchDir, site);
    const v = await validateCsvFile(join(scratchDir, 'input.csv'), scratchDir);
    return await budgetOf(v.readyPath, site);
  } finally {
    rmSync(scratchDir, { recursive: true, force: true });
  }
}

export interface ScenarioOptions {
  /** The scenario's folder: gen/ (the site), run/ (wbp's outputs), and the children's stderr when `logs` is set. */
  dir: string;
  rows: number;
  seed: number;
  token: string;
  simFlags: readonly string[];
  /** wbp's environment on top of ENVIRONMENT, WEBEX_BASE_URL and WEBEX_TOKEN. */
  env: Record<string, string>;
  /** Send the children's stderr to DIR/sim.stderr.log and DIR/wbp.stderr.log instead of this process's. */
  logs?: boolean;
  deadlineMs?: number;
  graceMs?: number;
}

export interface ScenarioResult {
  site: GeneratedSite;
  runDir: string;
  run: WbpRunResult;
  stats: SimStats;
  budget: Budget;
  log: LogLine[];
  runEnd: LogLine;
  phaseEnds: LogLine[];
  startup: Startup;
  peakConcurrency: { value: number | null; source: PeakSource };
  settledConcurrency: number | null;
  pending429: number;
}

/** Generates the site, starts wbp-sim, runs `wbp run` against it, and reads everything back. */
export async function runScenario(o: ScenarioOptions): Promise<ScenarioResult> {
  const gen = join(o.dir, 'gen');
  const runDir = join(o.dir, 'run');
  mkdirSync(gen, { recursive: true });
  const site = generateSite({ rows: o.rows, seed: o.seed });
  await writeSite(gen, site);
  const stderr = (name: string): StderrTarget => (o.logs ? join(o.dir, `${name}.stderr.log`) : 'inherit');
  const sim = await startSim({
    genDir: gen,
    token: o.token,
    seed: o.seed,
    callingLicenses: o.rows * 2,
    flags: o.simFlags,
    stderr: stderr('sim'),
  });
  try {
    const run = await wbpRun({
      csv: join(gen, 'input.csv'),
      outDir: runDir,
      baseUrl: sim.baseUrl,
      token: o.token,
      env: o.env,
      stderr: stderr('wbp'),
      ...(o.deadlineMs !== undefined ? { deadlineMs: o.deadlineMs } : {}),
      ...(o.graceMs !== undefined ? { graceMs: o.graceMs } : {}),
    });
    const stats = await sim.stats();
    const budget = await budgetOf(join(runDir, 'ready_to_load.csv'), site);
    const log = readRunLog(runDir);
    return {
      site,
      runDir,
      run,
      stats,
      budget,
      log,
      runEnd: log.find((l) => l.event === 'run_end') ?? {},
      phaseEnds: log.filter((l) => l.event === 'phase_end'),
      startup: startupOf(log, run.spawnedAt),
      peakConcurrency: peakConcurrencyOf(log),
      settledConcurrency: settledConcurrencyOf(log),
      pending429: rowsPendingWithStatus(runDir, 429),
    };
  } finally {
    await sim.stop();
  }
}

/** Share of all requests the simulator answered with this status, in % (3 decimals). */
export function statusSharePct(stats: SimStats, status: number): number {
  const n = stats.requests.byStatus[String(status)] ?? 0;
  return stats.requests.total > 0 ? round((n / stats.requests.total) * 100, 3) : 0;
}

export function machine(): { cpus: number; node: string; date: string } {
  return { cpus: cpus().length, node: process.version, date: new Date().toISOString() };
}
