import { describe, expect, it } from 'vitest';
import { csvRecords, peakConcurrencyOf, startupOf, type LogLine } from '../src/harness.js';
import {
  allCells,
  cellId,
  DOCS_END,
  DOCS_START,
  defaultParallel,
  estimateSchedule,
  formatTable,
  parseCells,
  pickNext,
  replaceSection,
  sizeRows,
  targetFloorSeconds,
  verdict,
  type CellResult,
  type Schedulable,
} from '../src/matrix-core.js';
import { STARTUP_REQUESTS } from '../src/budget.js';

describe('cells', () => {
  it('is 4 rates × 4 Retry-Afters unless --cells picks some', () => {
    expect(allCells().map(cellId)).toHaveLength(16);
    expect(allCells().map(cellId)).toContain('200x60');
    expect(parseCells('1x5, 200x60')).toEqual([
      { rate: 1, retryAfter: 5 },
      { rate: 200, retryAfter: 60 },
    ]);
    expect(() => parseCells('1-5')).toThrow(/RATExRETRY_AFTER/);
    expect(() => parseCells('0x5')).toThrow();
  });

  it('sizes a floor long against its Retry-After, shorter for the heavy cells, tiny with --quick', () => {
    expect([1, 5, 15, 60].map((retryAfter) => targetFloorSeconds({ rate: 5, retryAfter }))).toEqual([60, 60, 120, 240]);
    expect([1, 5, 15, 60].map((retryAfter) => targetFloorSeconds({ rate: 200, retryAfter }))).toEqual([30, 30, 60, 120]);
    expect(targetFloorSeconds({ rate: 20, retryAfter: 60 }, true)).toBe(10);
  });

  it('derives rows from the target budget with one proportional correction', async () => {
    // a site costing 2 requests per row on top of the start-up requests
    const asked: number[] = [];
    const requestsFor = async (rows: number) => {
      asked.push(rows);
      return STARTUP_REQUESTS + 2 * rows;
    };
    const sized = await sizeRows(STARTUP_REQUESTS + 600, requestsFor);
    expect(sized).toEqual({ rows: 300, requests: STARTUP_REQUESTS + 600 });
    expect(asked).toHaveLength(2); // the guess, then the corrected size
    expect((await sizeRows(1, requestsFor)).rows).toBe(3); // never below the minimum
  });
});

describe('schedule', () => {
  const light = (estimate: number): Schedulable => ({ heavy: false, estimate });
  const heavy = (estimate: number): Schedulable => ({ heavy: true, estimate });

  it('never starts a heavy cell beside another, nor beside anything when heavy cells run alone', () => {
    expect(pickNext([heavy(10), light(5)], [heavy(10)], { parallel: 4, heavyAlone: false })).toEqual(light(5));
    expect(pickNext([heavy(10)], [light(5)], { parallel: 4, heavyAlone: false })).toEqual(heavy(10));
    expect(pickNext([heavy(10)], [light(5)], { parallel: 4, heavyAlone: true })).toBeUndefined();
    expect(pickNext([light(5)], [heavy(10)], { parallel: 4, heavyAlone: true })).toBeUndefined();
    expect(pickNext([light(5)], [light(5), light(5)], { parallel: 2, heavyAlone: true })).toBeUndefined();
  });

  it('estimates the total and picks the fewest cells at once that fit the target', () => {
    const cells = [heavy(100), heavy(100), light(300), light(300), light(100)];
    expect(estimateSchedule(cells, { parallel: 1, heavyAlone: true })).toBe(900);
    expect(estimateSchedule(cells, { parallel: 2, heavyAlone: true })).toBe(600); // 300 ‖ 300, then 100, then each heavy alone
    expect(estimateSchedule(cells, { parallel: 3, heavyAlone: false })).toBe(300); // heavy, heavy, light 100 ‖ 300 ‖ 300
    expect(defaultParallel(cells, true, 600)).toBe(2);
    expect(defaultParallel(cells, false, 300)).toBe(3);
  });
});

describe('verdict', () => {
  const base = { wallSeconds: 90, floorSeconds: 80, startupSeconds: 3, share429Pct: 1, pending429: 0, retryAfter: 15, completed: true };

  it('passes at most 1.15 × floor + start-up (here 95 s), and incl. discovery one Retry-After more (110 s)', () => {
    expect(verdict(base)).toEqual({ pass: true, passInclDiscovery: true });
    expect(verdict({ ...base, wallSeconds: 94.9 })).toEqual({ pass: true, passInclDiscovery: true });
    expect(verdict({ ...base, wallSeconds: 95.1 })).toEqual({ pass: false, passInclDiscovery: true });
    expect(verdict({ ...base, wallSeconds: 109.9 })).toEqual({ pass: false, passInclDiscovery: true });
  });

  it('fails on wall, 429 share, rows pending for 429 or an unfinished run', () => {
    expect(verdict({ ...base, wallSeconds: 110.1 })).toEqual({ pass: false, passInclDiscovery: false });
    expect(verdict({ ...base, share429Pct: 2.01 })).toEqual({ pass: false, passInclDiscovery: false });
    expect(verdict({ ...base, pending429: 1 })).toEqual({ pass: false, passInclDiscovery: false });
    expect(verdict({ ...base, completed: false })).toEqual({ pass: false, passInclDiscovery: false });
    expect(verdict({ ...base, wallSeconds: 91, startupSeconds: null }).pass).toBe(true); // no start-up known: counted as 0
    expect(verdict({ ...base, wallSeconds: 93, startupSeconds: null }).pass).toBe(false);
  });
});

describe('table and docs', () => {
  const result: CellResult = {
    cell: { rate: 5, retryAfter: 15 },
    rows: 400,
    requiredRequests: 600,
    requests: 640,
    status429: 6,
    wallSeconds: 131.4,
    floorSeconds: 120,
    wallOverFloor: 1.094,
    startupSeconds: 2.46,
    startupSource: 'phase_start(1) − first log line',
    startupFromSpawnSeconds: 3.1,
    share429Pct: 0.938,
    pending429: 0,
    peakConcurrency: 12,
    peakConcurrencySource: 'max batch_end.concurrency',
    pacePerSecond: 4.74,
    exitStatus: 10,
    stopped: false,
    pass: true,
    passInclDiscovery: true,
  };

  it('prints one row per cell', () => {
    const lines = formatTable([
      result,
      {
        ...result,
        cell: { rate: 1, retryAfter: 60 },
        pacePerSecond: null,
        stopped: true,
        exitStatus: 40,
        pass: false,
        passInclDiscovery: false,
      },
    ]).split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe(
      '| rate /s | Retry-After s | rows | wall s | floor s | wall / floor | start-up s | 429 share | rows pending for 429 | peak concurrency | pace /s | exit | pass | pass incl. discovery |',
    );
    expect(lines[2]).toBe('| 5 | 15 | 400 | 131.4 | 120 | 1.09 | 2.5 | 0.94 % | 0 | 12 | 4.7 | 10 | pass | pass |');
    expect(lines[3]).toContain('| ≥ 131.4 |');
    expect(lines[3]).toContain('| — | 40 (stopped at cap) | **fail** | **fail** |');
  });

  it('replaces only its own section of docs/performance.md, or appends one', () => {
    const doc = `# Performance\n\nintro\n\n${DOCS_START}\nold table\n${DOCS_END}\n\n## After\n`;
    expect(replaceSection(doc, 'new table\n')).toBe(`# Performance\n\nintro\n\n${DOCS_START}\nnew table\n${DOCS_END}\n\n## After\n`);
    expect(replaceSection('# Performance\n\nintro\n', 'table')).toBe(`# Performance\n\nintro\n\n${DOCS_START}\ntable\n${DOCS_END}\n`);
    expect(replaceSection('', 'table')).toBe(`${DOCS_START}\ntable\n${DOCS_END}\n`);
  });
});

describe('reading a run back', () => {
  const log = (lines: LogLine[]) => lines;

  it('takes start-up from rows_start when logged, else from phase 1 against the first line', () => {
    const t = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms).toISOString();
    const spawned = Date.UTC(2026, 0, 1) - 1000;
    const fallback = log([
      { time: t(0), event: 'run_start' },
      { time: t(2500), event: 'phase_start', phase: 1 },
    ]);
    expect(startupOf(fallback, spawned)).toEqual({ seconds: 2.5, source: 'phase_start(1) − first log line', fromSpawnSeconds: 3.5 });
    expect(startupOf([...fallback, { time: t(2600), event: 'rows_start', startup_ms: 3210 }]).seconds).toBe(3.21);
    expect(startupOf([]).source).toBe('unavailable');
  });

  it('takes peak concurrency from run_end when logged, else the highest batch_end limit', () => {
    const batches = log([{ event: 'batch_end', concurrency: 8 }, { event: 'batch_end', concurrency: 14 }, { event: 'run_end' }]);
    expect(peakConcurrencyOf(batches)).toEqual({ value: 14, source: 'max batch_end.concurrency' });
    expect(peakConcurrencyOf([...batches.slice(0, 2), { event: 'run_end', peak_concurrency: 20 }])).toEqual({
      value: 20,
      source: 'run_end.peak_concurrency',
    });
  });

  it('parses the quoted CSV the writers produce', () => {
    expect(csvRecords('a,b,c\n1,"x, ""y""",\n2,"multi\nline",z\n')).toEqual([
      ['a', 'b', 'c'],
      ['1', 'x, "y"', ''],
      ['2', 'multi\nline', 'z'],
    ]);
  });
});
