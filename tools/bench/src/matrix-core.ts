// The pure parts of `npm run bench:matrix` (matrix.ts): which cells, how big, in what order,
// what passes, and how the table and the docs section read. No process, no clock, no file.
import { STARTUP_REQUESTS } from './budget.js';

export const RATES = [1, 5, 20, 200] as const;
export const RETRY_AFTERS = [1, 5, 15, 60] as const;
/** Cells at or above this rate (requests/s) load the CPU: two of them never run at once. */
export const HEAVY_RATE = 100;
/** The matrix should finish within about this long (issue 12: "under ~15 minutes"). */
export const TARGET_TOTAL_SECONDS = 15 * 60;

/** The pass criteria of issue 12. */
export const WALL_FACTOR = 1.15;
export const MAX_429_SHARE_PCT = 2;

export interface Cell {
  /** The org's limit, requests/s (wbp-sim `--rate-limit-per-min` = rate × 60). */
  rate: number;
  /** The smallest Retry-After a 429 carries, s (wbp-sim `--min-retry-after-seconds`). */
  retryAfter: number;
}

export const cellId = (c: Cell): string => `${c.rate}x${c.retryAfter}`;
export const isHeavy = (c: Cell): boolean => c.rate >= HEAVY_RATE;

export function allCells(): Cell[] {
  return RATES.flatMap((rate) => RETRY_AFTERS.map((retryAfter) => ({ rate, retryAfter })));
}

/** `--cells 1x5,200x60` (rate × Retry-After); absent: the whole matrix. */
export function parseCells(spec: string | undefined): Cell[] {
  if (spec === undefined || spec.trim() === '') return allCells();
  return spec.split(',').map((part) => {
    const m = /^\s*(\d+(?:\.\d+)?)x(\d+(?:\.\d+)?)\s*$/.exec(part);
    const rate = Number(m?.[1]);
    const retryAfter = Number(m?.[2]);
    if (!m || !(rate > 0) || !(retryAfter > 0)) throw new Error(`--cells: "${part}" is not RATExRETRY_AFTER (e.g. 1x5,200x60)`);
    return { rate, retryAfter };
  });
}

/**
 * The floor a cell is sized for, s: long against its Retry-After where the 15-minute budget allows.
 * Low rates: 60 s for Retry-After ≤ 5 s, 120 s up to 15 s, 240 s beyond. The heavy (200/s) cells
 * get half of that (they run alone, and 120 s at 200/s is already ~18,000 rows, near MAX_ROWS).
 * `--quick`: 10 s (5 s heavy), a smoke run only.
 */
export function targetFloorSeconds(cell: Cell, quick = false): number {
  const heavy = isHeavy(cell);
  if (quick) return heavy ? 5 : 10;
  const light = cell.retryAfter <= 5 ? 60 : cell.retryAfter <= 15 ? 120 : 240;
  return heavy ? light / 2 : light;
}

/** Requests per row of a large generated site, near enough for a first guess. */
const REQUESTS_PER_ROW_GUESS = 1.3;

/**
 * The row count whose request budget is `targetRequests`: a first guess, then one proportional
 * correction of the part that grows with rows, measured again. `requestsFor(rows)` is the budget
 * (budget.ts) of a generated site of that many rows.
 */
export async function sizeRows(
  targetRequests: number,
  requestsFor: (rows: number) => Promise<number>,
  minRows = 3,
): Promise<{ rows: number; requests: number }> {
  const perRowTarget = Math.max(1, targetRequests - STARTUP_REQUESTS);
  const guess = Math.max(minRows, Math.round(perRowTarget / REQUESTS_PER_ROW_GUESS));
  const measured = await requestsFor(guess);
  const rows = Math.max(minRows, Math.round((guess * perRowTarget) / Math.max(1, measured - STARTUP_REQUESTS)));
  return rows === guess ? { rows, requests: measured } : { rows, requests: await requestsFor(rows) };
}

/** Generating the site, starting wbp-sim, Node and tsx boot of `wbp run`, reading back: s per cell. */
export const CELL_OVERHEAD_SECONDS = 6;

/** What a cell should take if it meets its verdict: the allowed wall, the first Retry-After, the overhead. */
export function estimateCellSeconds(floorSeconds: number, retryAfter: number): number {
  return WALL_FACTOR * floorSeconds + retryAfter + CELL_OVERHEAD_SECONDS;
}

export interface Schedulable {
  heavy: boolean;
  /** Estimated seconds. */
  estimate: number;
}

export interface ScheduleOptions {
  /** Cells running at once. */
  parallel: number;
  /** Heavy cells run with nothing beside them (else: beside light cells, never beside another heavy one). */
  heavyAlone: boolean;
}

/** The order cells are offered in: heavy ones first when they may run beside others (a serial chain), last when alone; longest first. */
export function scheduleOrder<T extends Schedulable>(cells: readonly T[], o: ScheduleOptions): T[] {
  const rank = (c: T) => (c.heavy === !o.heavyAlone ? 0 : 1);
  return [...cells].sort((a, b) => rank(a) - rank(b) || b.estimate - a.estimate);
}

/** The first of `pending` (in schedule order) that may start now beside `running`, if any. */
export function pickNext<T extends Schedulable>(pending: readonly T[], running: readonly T[], o: ScheduleOptions): T | undefined {
  if (running.length >= Math.max(1, o.parallel)) return undefined;
  const heavyRunning = running.some((c) => c.heavy);
  if (o.heavyAlone && heavyRunning) return undefined;
  return pending.find((c) => (c.heavy ? !heavyRunning && (!o.heavyAlone || running.length === 0) : true));
}

/** Total seconds of the schedule matrix.ts runs, if every cell took its estimate. */
export function estimateSchedule(cells: readonly Schedulable[], o: ScheduleOptions): number {
  let pending = scheduleOrder(cells, o);
  let running: { cell: Schedulable; end: number }[] = [];
  let now = 0;
  while (pending.length > 0 || running.length > 0) {
    for (;;) {
      const next = pickNext(
        pending,
        running.map((r) => r.cell),
        o,
      );
      if (!next) break;
      running.push({ cell: next, end: now + next.estimate });
      pending = pending.filter((c) => c !== next);
    }
    now = Math.min(...running.map((r) => r.end));
    running = running.filter((r) => r.end > now);
  }
  return now;
}

/** The fewest cells at once (up to `max`) whose schedule fits `targetSeconds`; `max` if none does. */
export function defaultParallel(cells: readonly Schedulable[], heavyAlone: boolean, targetSeconds = TARGET_TOTAL_SECONDS, max = 6): number {
  for (let parallel = 1; parallel < max; parallel++)
    if (estimateSchedule(cells, { parallel, heavyAlone }) <= targetSeconds) return parallel;
  return max;
}

export interface VerdictInput {
  wallSeconds: number;
  floorSeconds: number;
  /** null when the run log gave none: counted as 0. */
  startupSeconds: number | null;
  share429Pct: number;
  pending429: number;
  retryAfter: number;
  /** The run finished by itself (exit 0 or 10), not stopped at the cell's cap, crashed or refused. */
  completed: boolean;
}

/**
 * Issue 12's bar: wall ≤ 1.15 × floor + start-up, 429 share ≤ 2 %, no row pending for 429. "incl.
 * discovery" also allows one Retry-After: the first 429, which is how the limit is learnt.
 */
export function verdict(m: VerdictInput): { pass: boolean; passInclDiscovery: boolean } {
  const allowed = WALL_FACTOR * m.floorSeconds + (m.startupSeconds ?? 0);
  const polite = m.completed && m.share429Pct <= MAX_429_SHARE_PCT && m.pending429 === 0;
  return { pass: polite && m.wallSeconds <= allowed, passInclDiscovery: polite && m.wallSeconds <= allowed + m.retryAfter };
}

export interface CellResult {
  cell: Cell;
  rows: number;
  requiredRequests: number;
  requests: number;
  status429: number;
  wallSeconds: number;
  floorSeconds: number;
  wallOverFloor: number;
  startupSeconds: number | null;
  startupSource: string;
  startupFromSpawnSeconds: number | null;
  share429Pct: number;
  pending429: number;
  peakConcurrency: number | null;
  peakConcurrencySource: string;
  pacePerSecond: number | null;
  exitStatus: number;
  /** Stopped at the cell's cap (its wall is then a lower bound). */
  stopped: boolean;
  pass: boolean;
  passInclDiscovery: boolean;
}

const num = (n: number | null, places = 1): string => (n === null ? '—' : String(Math.round(n * 10 ** places) / 10 ** places));
const yes = (b: boolean): string => (b ? 'pass' : '**fail**');

export const TABLE_HEADER = [
  'rate /s',
  'Retry-After s',
  'rows',
  'wall s',
  'floor s',
  'wall / floor',
  'start-up s',
  '429 share',
  'rows pending for 429',
  'peak concurrency',
  'pace /s',
  'exit',
  'pass',
  'pass incl. discovery',
] as const;

/** One markdown row per cell, in the given order. */
export function formatTable(results: readonly CellResult[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [
    line(TABLE_HEADER),
    line(TABLE_HEADER.map((_, i) => (i < 2 ? '---' : '---:'))),
    ...results.map((r) =>
      line([
        String(r.cell.rate),
        String(r.cell.retryAfter),
        String(r.rows),
        `${r.stopped ? '≥ ' : ''}${num(r.wallSeconds)}`,
        num(r.floorSeconds),
        `${r.stopped ? '≥ ' : ''}${num(r.wallOverFloor, 2)}`,
        num(r.startupSeconds),
        `${num(r.share429Pct, 2)} %`,
        String(r.pending429),
        num(r.peakConcurrency, 0),
        num(r.pacePerSecond),
        r.stopped ? `${r.exitStatus} (stopped at cap)` : String(r.exitStatus),
        yes(r.pass),
        yes(r.passInclDiscovery),
      ]),
    ),
  ].join('\n');
}

/** The sources used across the table, for its footnote: `a` or `a (2 cells), b (1 cell)`. */
export function sourcesNote(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  if (counts.size <= 1) return [...counts.keys()][0] ?? '—';
  return [...counts].map(([v, n]) => `${v} (${n} cell${n === 1 ? '' : 's'})`).join(', ');
}

export const DOCS_START = '<!-- bench:matrix:start -->';
export const DOCS_END = '<!-- bench:matrix:end -->';

/** Replaces the text between the markers (markers kept), or appends a marked section at the end. */
export function replaceSection(doc: string, body: string): string {
  const section = `${DOCS_START}\n${body.trim()}\n${DOCS_END}`;
  const start = doc.indexOf(DOCS_START);
  const end = doc.indexOf(DOCS_END, start);
  if (start >= 0 && end >= 0) return doc.slice(0, start) + section + doc.slice(end + DOCS_END.length);
  return `${doc.replace(/\n*$/, '')}${doc.trim() === '' ? '' : '\n\n'}${section}\n`;
}
