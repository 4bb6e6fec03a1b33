// npm run bench:matrix -- [--quick] [--cells 1x5,200x60] [--parallel N] [--heavy alone|beside]
//                         [--out DIR] [--write-docs] [--docs FILE] [--seed N] [--cap-factor F] [--dry-run]
// Issue 12, item 3: the real `wbp run` against wbp-sim at rate limits 1, 5, 20 and 200 requests/s ×
// minimum Retry-After 1, 5, 15 and 60 s, each cell sized from a target floor, and one table: wall
// against the floor, start-up, 429 share, rows pending for 429, peak concurrency, the pace the run
// settled on, and a verdict per cell. The profile is the bench's latency with no 5xx, hang or
// apply-then-drop: the matrix isolates rate control. Writes DIR/result.json and DIR/result.md;
// --write-docs also replaces the bench:matrix section of docs/performance.md (or --docs FILE).
//
// Light cells idle on their rate limit, so several run at once (--parallel; default: the fewest
// that fit ~15 minutes). The 200/s cells are CPU-bound on 2 cores: they never run beside each
// other, and by default (--heavy alone) beside nothing at all — measured beside three light cells,
// 200x5 went from wall/floor 1.40–1.77 alone to 2.11 and its start-up from 2–3 s to 8.5 s.
// A cell still running at cap-factor × floor + 2 Retry-After + 60 s is stopped (SIGTERM: wbp
// finishes the rows in flight and checkpoints) and reported as such; --cap-factor 0: no cap.
// --dry-run: size the cells and print the plan and its estimated duration, run nothing.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { budgetForRows, machine, ROOT, round, runScenario, statusSharePct, stopChildren } from './harness.js';
import {
  cellId,
  defaultParallel,
  estimateCellSeconds,
  estimateSchedule,
  formatTable,
  isHeavy,
  parseCells,
  pickNext,
  replaceSection,
  scheduleOrder,
  sizeRows,
  sourcesNote,
  targetFloorSeconds,
  verdict,
  WALL_FACTOR,
  MAX_429_SHARE_PCT,
  type Cell,
  type CellResult,
  type ScheduleOptions,
} from './matrix-core.js';
import { PROFILE, simFlags, type Profile } from './profile.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    cells: { type: 'string' },
    parallel: { type: 'string' },
    heavy: { type: 'string', default: 'alone' },
    out: { type: 'string', default: 'out/matrix' },
    'write-docs': { type: 'boolean', default: false },
    docs: { type: 'string', default: 'docs/performance.md' },
    seed: { type: 'string', default: '42' },
    'cap-factor': { type: 'string', default: '3' },
    'concurrency-max': { type: 'string', default: '32' },
    'dry-run': { type: 'boolean', default: false },
  },
});
if (values.heavy !== 'alone' && values.heavy !== 'beside') throw new Error('--heavy must be alone or beside');
const out = resolve(ROOT, values.out);
const seed = Number(values.seed);
const capFactor = Number(values['cap-factor']);
const command = `npm run bench:matrix${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;

/** The bench's latency, no fault but the rate limit: this matrix isolates rate control. */
const RATE_ONLY: Profile = { ...PROFILE, errorRate: 0, hangRate: 0, applyThenDropRate: 0 };
const profileOf = (cell: Cell): Profile => ({ ...RATE_ONLY, rateLimitPerMin: cell.rate * 60, minRetryAfterSeconds: cell.retryAfter });
const PROFILE_LINE =
  `latency ${RATE_ONLY.latencyMs} ± ${RATE_ONLY.jitterMs} ms; per cell, a token-bucket limit of the cell's rate (one second's burst) answered with 429 and a ` +
  `Retry-After of at least the cell's value; 0% 5xx, 0% hangs, 0% apply-then-drop: this matrix isolates rate control`;

interface Planned {
  cell: Cell;
  id: string;
  heavy: boolean;
  targetFloor: number;
  rows: number;
  /** The floor of the sized site, s (its budget / rate). */
  floor: number;
  estimate: number;
  /** Stop the run after this long (its wall is then a lower bound): cap-factor × floor + 2 Retry-After + 60 s. */
  capSeconds: number | null;
}

// Sizing: the budget of a generated site depends only on its row count (same seed), so it is cached.
const budgetCache = new Map<number, Promise<number>>();
const requestsFor = (rows: number): Promise<number> => {
  let p = budgetCache.get(rows);
  if (!p) {
    p = budgetForRows(rows, seed, join(tmpdir(), `wbp-matrix-sizing-${process.pid}-${rows}`)).then((b) => b.total);
    budgetCache.set(rows, p);
  }
  return p;
};
const plan: Planned[] = [];
for (const cell of parseCells(values.cells)) {
  const targetFloor = targetFloorSeconds(cell, values.quick);
  const sized = await sizeRows(targetFloor * cell.rate, requestsFor);
  const floor = sized.requests / cell.rate;
  plan.push({
    cell,
    id: cellId(cell),
    heavy: isHeavy(cell),
    targetFloor,
    rows: sized.rows,
    floor,
    estimate: estimateCellSeconds(floor, cell.retryAfter),
    capSeconds: capFactor > 0 ? capFactor * floor + 2 * cell.retryAfter + 60 : null,
  });
}
const heavyAlone = values.heavy === 'alone';
const parallel = values.parallel !== undefined ? Math.max(1, Number(values.parallel)) : defaultParallel(plan, heavyAlone);
const schedule: ScheduleOptions = { parallel, heavyAlone };
const estimatedTotal = estimateSchedule(plan, schedule);

console.log(`bench:matrix: ${PROFILE_LINE}.`);
console.log(
  `bench:matrix: ${plan.length} cells, ${parallel} at once, 200/s-class cells ${heavyAlone ? 'alone' : 'beside light cells (never beside each other)'}; estimated ${Math.round(estimatedTotal)} s if every cell meets its bar`,
);
for (const p of plan) {
  console.log(
    `  ${p.id.padEnd(7)} target floor ${p.targetFloor} s → ${p.rows} rows, floor ${round(p.floor, 1)} s, estimate ${Math.round(p.estimate)} s${p.capSeconds ? `, cap ${Math.round(p.capSeconds)} s` : ''}`,
  );
}
if (values['dry-run']) process.exit(0);
const loadAtStart = round(loadavg()[0]!, 2);
if (loadAtStart > machine().cpus / 2)
  console.log(
    `bench:matrix: warning — the machine is already busy (load ${loadAtStart} on ${machine().cpus} cpus): timings will be distorted`,
  );
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

/** When each cell ran, to tell afterwards which ran beside which. */
const spans = new Map<string, { start: number; end: number; load1AtEnd: number }>();
const t0 = performance.now();
const elapsed = () => Math.round((performance.now() - t0) / 1000);

async function runCell(p: Planned): Promise<CellResult> {
  const start = performance.now();
  const s = await runScenario({
    dir: join(out, p.id),
    rows: p.rows,
    seed,
    token: `matrix-${p.id}`,
    simFlags: simFlags(profileOf(p.cell)),
    logs: true,
    env: { CONCURRENCY: '8', CONCURRENCY_MAX: values['concurrency-max']!, MAX_ROWS: String(Math.max(21_000, p.rows)) },
    ...(p.capSeconds !== null ? { deadlineMs: p.capSeconds * 1000, graceMs: (p.cell.retryAfter + 30) * 1000 } : {}),
  });
  spans.set(p.id, { start, end: performance.now(), load1AtEnd: round(loadavg()[0]!, 2) });
  const floorSeconds = s.budget.total / p.cell.rate;
  const share429Pct = statusSharePct(s.stats, 429);
  const completed = !s.run.stopped && (s.run.code === 0 || s.run.code === 10);
  const v = verdict({
    wallSeconds: s.run.seconds,
    floorSeconds,
    startupSeconds: s.startup.seconds,
    share429Pct,
    pending429: s.pending429,
    retryAfter: p.cell.retryAfter,
    completed,
  });
  const pace = s.runEnd.pace_per_s;
  return {
    cell: p.cell,
    rows: p.rows,
    requiredRequests: s.budget.total,
    requests: s.stats.requests.total,
    status429: s.stats.requests.byStatus['429'] ?? 0,
    wallSeconds: round(s.run.seconds, 1),
    floorSeconds: round(floorSeconds, 1),
    wallOverFloor: round(s.run.seconds / floorSeconds, 3),
    startupSeconds: s.startup.seconds,
    startupSource: s.startup.source,
    startupFromSpawnSeconds: s.startup.fromSpawnSeconds,
    share429Pct,
    pending429: s.pending429,
    peakConcurrency: s.peakConcurrency.value,
    peakConcurrencySource: s.peakConcurrency.source,
    pacePerSecond: typeof pace === 'number' ? round(pace, 2) : null,
    exitStatus: s.run.code,
    stopped: s.run.stopped,
    ...v,
  };
}

// The pool: whenever a cell ends, start every cell the schedule lets start (matrix-core `pickNext`),
// STAGGER_MS apart so that two cells never boot (generate, validate, start Node and tsx) at once.
const STAGGER_MS = 3_000;
const results = new Map<string, CellResult>();
await new Promise<void>((done, fail) => {
  let pending = scheduleOrder(plan, schedule);
  const running: Planned[] = [];
  let lastStart = -Infinity;
  let timer: NodeJS.Timeout | undefined;
  const fill = (): void => {
    const p = pickNext(pending, running, schedule);
    if (!p || timer) return;
    const wait = lastStart + STAGGER_MS - performance.now();
    if (wait > 0) {
      timer = setTimeout(() => {
        timer = undefined;
        fill();
      }, wait);
      return;
    }
    lastStart = performance.now();
    pending = pending.filter((c) => c !== p);
    running.push(p);
    console.log(
      `[${elapsed()} s] ${p.id}: start (${p.rows} rows, floor ${round(p.floor, 1)} s)${
        running.length > 1
          ? ` beside ${running
              .filter((r) => r !== p)
              .map((r) => r.id)
              .join(', ')}`
          : ''
      }`,
    );
    runCell(p).then(
      (r) => {
        results.set(p.id, r);
        running.splice(running.indexOf(p), 1);
        console.log(
          `[${elapsed()} s] ${p.id}: ${r.wallSeconds} s, wall/floor ${r.wallOverFloor}, 429 ${r.share429Pct} %, pending for 429 ${r.pending429}, exit ${r.exitStatus}${r.stopped ? ' (stopped at cap)' : ''} — ${r.pass ? 'pass' : 'fail'}`,
        );
        if (pending.length === 0 && running.length === 0) done();
        else fill();
      },
      (err: unknown) => {
        stopChildren();
        fail(err);
      },
    );
    fill();
  };
  fill();
});
const totalSeconds = (performance.now() - t0) / 1000;

const ordered = plan.map((p) => results.get(p.id)!);
const besides = (id: string): string[] => {
  const me = spans.get(id)!;
  return [...spans].filter(([other, s]) => other !== id && s.start < me.end && s.end > me.start).map(([other]) => other);
};
const m = machine();
const passed = ordered.filter((r) => r.pass).length;
const passedIncl = ordered.filter((r) => r.passInclDiscovery).length;
const notes = [
  `Profile: ${PROFILE_LINE}.`,
  `floor = required requests (tools/bench/src/budget.ts) / rate limit; start-up = process start to the first row request (source: ${sourcesNote(ordered.map((r) => r.startupSource))}); peak concurrency: ${sourcesNote(ordered.map((r) => r.peakConcurrencySource))}; pace = run_end.pace_per_s (— = never paced); 429 share = 429 answers / all requests the simulator saw.`,
  `pass: the run completed (exit 0 or 10), wall ≤ ${WALL_FACTOR} × floor + start-up, 429 share ≤ ${MAX_429_SHARE_PCT} %, no row pending for 429. pass incl. discovery: the same with one Retry-After more (the first 429, which is how the limit is learnt).`,
  `${passed} of ${ordered.length} cells pass (${passedIncl} incl. discovery). ${ordered.length} cells in ${Math.round(totalSeconds)} s (estimated ${Math.round(estimatedTotal)} s), ${parallel} at once, 200/s-class cells ${heavyAlone ? 'alone' : 'beside light cells'}${values.quick ? '; --quick: tiny floors, a smoke run, not figures' : ''}.`,
];
const result = {
  command,
  machine: { ...m, load1AtStart: loadAtStart },
  profile: { ...RATE_ONLY, rateLimitPerMin: 'per cell: rate × 60', minRetryAfterSeconds: 'per cell' },
  quick: values.quick,
  parallel,
  heavyAlone,
  totalSeconds: round(totalSeconds, 1),
  estimatedSeconds: Math.round(estimatedTotal),
  passed,
  passedInclDiscovery: passedIncl,
  cells: ordered.map((r) => {
    const p = plan.find((c) => c.id === cellId(r.cell))!;
    return {
      id: p.id,
      ...r,
      targetFloorSeconds: p.targetFloor,
      capSeconds: p.capSeconds,
      ranBeside: besides(p.id),
      load1AtEnd: spans.get(p.id)!.load1AtEnd,
      dir: relative(ROOT, join(out, p.id)),
    };
  }),
};
writeFileSync(join(out, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
const table = formatTable(ordered);
const busy = loadAtStart > m.cpus / 2 ? ', busy: timings distorted' : '';
const md = [
  `# wbp bench:matrix — rate control`,
  '',
  `${m.date.slice(0, 10)} · ${m.cpus} cpus · Node ${m.node} · load ${loadAtStart} at start${busy} · \`${command}\``,
  '',
  table,
  '',
  ...notes.flatMap((n) => [n, '']),
  '',
].join('\n');
writeFileSync(join(out, 'result.md'), md);
console.log(`\n${md}`);

if (values['write-docs']) {
  const docsPath = resolve(ROOT, values.docs);
  let doc = '';
  try {
    doc = readFileSync(docsPath, 'utf8');
  } catch {
    // a new file
  }
  const body = [
    '## Rate-control matrix (`npm run bench:matrix`)',
    '',
    `Measured ${m.date.slice(0, 10)} on ${m.cpus} cpus, Node ${m.node} (load ${loadAtStart} at start${busy}), with \`${command}\` (${relative(ROOT, join(out, 'result.json'))} has every field).`,
    '',
    table,
    '',
    ...notes.flatMap((n) => [n, '']),
  ].join('\n');
  writeFileSync(docsPath, replaceSection(doc, body));
  console.log(`bench:matrix: ${relative(ROOT, docsPath)} updated between its bench:matrix markers`);
}
