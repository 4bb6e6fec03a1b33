// npm run bench -- --rows N --out DIR
// Generates N rows (wbp-gen), starts wbp-sim in its own process with the realistic profile, runs
// the real `wbp run` over HTTP, and writes DIR/result.json and DIR/result.md: wall time against
// the floor set by the rate limit and the minimal request count, 429 share, requests by phase,
// start-up (process start to the first row request), peak RSS, the concurrency the bot settled on,
// and a sequential (concurrency 1) sample.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { throughputMermaid, throughputSeries } from '@wbp/runner';
import { machine, ROOT, runScenario, statusSharePct } from './harness.js';
import { benchOptions, describeProfile, PROFILE, simFlags } from './profile.js';

const { values } = parseArgs({
  options: { ...benchOptions('out/bench'), 'sample-rows': { type: 'string', default: '400' } },
});
const rows = Number(values.rows);
const out = resolve(ROOT, values.out);
const ratePerSecond = PROFILE.rateLimitPerMin / 60;

const scenario = (name: string, n: number, env: Record<string, string>) =>
  runScenario({ dir: join(out, name), rows: n, seed: Number(values.seed), token: `bench-${name}`, simFlags: simFlags(), env });

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
console.log(`bench: ${rows} rows, profile ${JSON.stringify(PROFILE)}`);
const full = await scenario('full', rows, { CONCURRENCY: '8', CONCURRENCY_MAX: values['concurrency-max']! });
const sampleRows = Number(values['sample-rows']);
console.log(`bench: full run done in ${full.run.seconds.toFixed(1)} s (exit ${full.run.code}); sequential sample of ${sampleRows} rows…`);
const seq = await scenario('sequential', sampleRows, { CONCURRENCY: '1', CONCURRENCY_MAX: '1' });

const status429 = full.stats.requests.byStatus['429'] ?? 0;
const floorSeconds = full.budget.total / ratePerSecond;
const rowsPerSecond = rows / full.run.seconds;
const seqRowsPerSecond = sampleRows / seq.run.seconds;
const series = await throughputSeries(join(full.runDir, 'results.csv'));
const result = {
  rows,
  exitStatus: full.run.code,
  wallSeconds: Math.round(full.run.seconds * 10) / 10,
  requests: full.stats.requests.total,
  status429,
  share429: statusSharePct(full.stats, 429),
  requiredRequests: full.budget.total,
  rateLimitPerSecond: ratePerSecond,
  floorSeconds: Math.round(floorSeconds * 10) / 10,
  wallOverFloor: Math.round((full.run.seconds / floorSeconds) * 1000) / 1000,
  rowsPerSecond: Math.round(rowsPerSecond * 10) / 10,
  requestsByPhase: Object.fromEntries(full.phaseEnds.map((p) => [`phase${String(p.phase)}`, p.requests])),
  requiredByPhase: full.budget.byPhase,
  startupSeconds: full.startup.seconds,
  startupSource: full.startup.source,
  startupFromSpawnSeconds: full.startup.fromSpawnSeconds,
  peakRssMb: full.runEnd.peak_rss_mb ?? null,
  concurrency: full.settledConcurrency,
  pacePerSecond: full.runEnd.pace_per_s ?? null,
  simulator: { byStatus: full.stats.requests.byStatus, invalid: full.stats.requests.invalid, state: full.stats.state },
  rowsByState: (JSON.parse(readFileSync(join(full.runDir, 'summary.json'), 'utf8')) as { rows: unknown }).rows,
  sequential: {
    rows: sampleRows,
    wallSeconds: Math.round(seq.run.seconds * 10) / 10,
    rowsPerSecond: Math.round(seqRowsPerSecond * 100) / 100,
    requests: seq.stats.requests.total,
  },
  speedUpOverSequential: Math.round((rowsPerSecond / seqRowsPerSecond) * 10) / 10,
  throughput: series,
  profile: PROFILE,
  machine: machine(),
};
writeFileSync(join(out, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
const md = [
  `# wbp bench — ${rows} rows`,
  '',
  `Profile: ${describeProfile(PROFILE)}.`,
  '',
  '| metric | value |',
  '| --- | ---: |',
  `| rows | ${rows} |`,
  `| wall time | ${result.wallSeconds} s |`,
  `| floor (required requests / rate limit) | ${result.floorSeconds} s (${result.requiredRequests} / ${ratePerSecond}/s) |`,
  `| wall / floor | **${result.wallOverFloor}** |`,
  `| start-up (process start to the first row request) | ${result.startupSeconds ?? '—'} s (${result.startupSource}; spawn → phase 1 start: ${result.startupFromSpawnSeconds ?? '—'} s) |`,
  `| requests sent | ${result.requests} |`,
  `| 429 answers | ${status429} (${result.share429}%) |`,
  `| rows/s | ${result.rowsPerSecond} |`,
  `| sequential sample (concurrency 1) | ${result.sequential.rowsPerSecond} rows/s (${sampleRows} rows) |`,
  `| speed-up over sequential | ${result.speedUpOverSequential}× |`,
  `| concurrency settled on | ${result.concurrency} |`,
  `| peak RSS of wbp run | ${result.peakRssMb} MB |`,
  `| requests by phase (sent / required) | ${[1, 2, 3].map((p) => `${p}: ${String(result.requestsByPhase[`phase${p}`])} / ${full.budget.byPhase[p as 1 | 2 | 3]}`).join(' · ')} |`,
  `| duplicates / invalid requests | ${full.stats.state.duplicateLocationNames} locations, ${full.stats.state.duplicateLicenseAssignments} licences / ${full.stats.requests.invalid} |`,
  '',
  throughputMermaid(series),
  '',
].join('\n');
writeFileSync(join(out, 'result.md'), md);
console.log(md);
