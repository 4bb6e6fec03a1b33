// npm run bench -- --rows N --out DIR
// Generates N rows (wbp-gen), starts wbp-sim in its own process with the realistic profile, runs
// the real `wbp run` over HTTP, and writes DIR/result.json and DIR/result.md: wall time against
// the floor set by the rate limit and the minimal request count, 429 share, requests by phase,
// peak RSS, the concurrency the bot settled on, and a sequential (concurrency 1) sample.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readReadyRows, type ReadyRow } from '@wbp/csv-contract';
import { generateSite, writeSite } from '@wbp/gen';
import { throughputMermaid, throughputSeries } from '@wbp/runner';
import { requiredRequests } from './budget.js';
import { PROFILE, simFlags } from './profile.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '21000' },
    out: { type: 'string', default: 'out/bench' },
    seed: { type: 'string', default: '42' },
    'sample-rows': { type: 'string', default: '400' },
    'concurrency-max': { type: 'string', default: '32' },
  },
});
const rows = Number(values.rows);
const out = resolve(root, values.out);
const ratePerSecond = PROFILE.rateLimitPerMin / 60;

interface SimStats {
  requests: { total: number; invalid: number; byStatus: Record<string, number>; byOperation: Record<string, number> };
  state: Record<string, number>;
}

async function startSim(dir: string, token: string): Promise<{ baseUrl: string; stop: () => void }> {
  const child = spawn(
    process.execPath,
    ['--conditions=@wbp/source', '--import', 'tsx', 'tools/webex-sim/src/cli.ts', '--port', '0', '--token', token, '--seed', values.seed!,
      '--people', join(dir, 'people.csv'), '--numbers', join(dir, 'numbers.csv'), '--calling-licenses', String(rows * 2), ...simFlags()],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const line = await new Promise<string>((res) => createInterface({ input: child.stdout }).once('line', res));
  return { baseUrl: (JSON.parse(line) as { baseUrl: string }).baseUrl, stop: () => child.kill('SIGTERM') };
}

async function wbpRun(csv: string, outDir: string, baseUrl: string, token: string, env: Record<string, string>): Promise<{ code: number; seconds: number }> {
  const t0 = performance.now();
  const code = await new Promise<number>((done) => {
    const child = spawn(process.execPath, [join(root, 'packages/runner/bin/wbp.mjs'), 'run', csv, '--out', outDir, '--progress', 'off'], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
      // The heap cap the provision workflow uses: V8 otherwise lets a fast-allocating run grow to ~400 MB.
      env: { ...process.env, NODE_OPTIONS: '--max-old-space-size=192', ENVIRONMENT: 'lab', WEBEX_BASE_URL: baseUrl, WEBEX_TOKEN: token, ...env },
    });
    child.on('exit', (c) => done(c ?? 70));
  });
  return { code, seconds: (performance.now() - t0) / 1000 };
}

async function stats(baseUrl: string): Promise<SimStats> {
  return (await (await fetch(baseUrl.replace(/\/v1$/, '/_sim/stats'))).json()) as SimStats;
}

function runLog(outDir: string): Record<string, unknown>[] {
  return readFileSync(join(outDir, 'run.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

async function scenario(name: string, n: number, env: Record<string, string>) {
  const dir = join(out, name);
  const gen = join(dir, 'gen');
  mkdirSync(gen, { recursive: true });
  const site = generateSite({ rows: n, seed: Number(values.seed) });
  await writeSite(gen, site);
  const token = `bench-${name}`;
  const sim = await startSim(gen, token);
  try {
    const runDir = join(dir, 'run');
    const run = await wbpRun(join(gen, 'input.csv'), runDir, sim.baseUrl, token, env);
    const s = await stats(sim.baseUrl);
    const ready: ReadyRow[] = [];
    for await (const r of readReadyRows(join(runDir, 'ready_to_load.csv'))) ready.push(r);
    const directory = new Set(site.people.map((p) => p.email.toLowerCase()));
    const takenExtensions = new Set(site.people.filter((p) => p.location_name && p.extension).map((p) => `${p.location_name.toLowerCase()}|${p.extension}`));
    const budget = requiredRequests(ready, { directory, takenExtensions });
    const log = runLog(runDir);
    const phaseEnds = log.filter((l) => l.event === 'phase_end');
    const runEnd = log.find((l) => l.event === 'run_end') ?? {};
    const concurrencies = log.filter((l) => l.event === 'batch_end').map((l) => Number(l.concurrency));
    const settled = concurrencies.slice(Math.floor(concurrencies.length / 2)).sort((a, b) => a - b);
    return { run, s, budget, phaseEnds, runEnd, settled: settled[Math.floor(settled.length / 2)] ?? null, runDir };
  } finally {
    sim.stop();
  }
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
console.log(`bench: ${rows} rows, profile ${JSON.stringify(PROFILE)}`);
const full = await scenario('full', rows, { CONCURRENCY: '8', CONCURRENCY_MAX: values['concurrency-max']! });
const sampleRows = Number(values['sample-rows']);
console.log(`bench: full run done in ${full.run.seconds.toFixed(1)} s (exit ${full.run.code}); sequential sample of ${sampleRows} rows…`);
const seq = await scenario('sequential', sampleRows, { CONCURRENCY: '1', CONCURRENCY_MAX: '1' });

const status429 = full.s.requests.byStatus['429'] ?? 0;
const floorSeconds = full.budget.total / ratePerSecond;
const rowsPerSecond = rows / full.run.seconds;
const seqRowsPerSecond = sampleRows / seq.run.seconds;
const series = await throughputSeries(join(full.runDir, 'results.csv'));
const result = {
  rows,
  exitStatus: full.run.code,
  wallSeconds: Math.round(full.run.seconds * 10) / 10,
  requests: full.s.requests.total,
  status429,
  share429: Math.round((status429 / full.s.requests.total) * 100_000) / 1000,
  requiredRequests: full.budget.total,
  rateLimitPerSecond: ratePerSecond,
  floorSeconds: Math.round(floorSeconds * 10) / 10,
  wallOverFloor: Math.round((full.run.seconds / floorSeconds) * 1000) / 1000,
  rowsPerSecond: Math.round(rowsPerSecond * 10) / 10,
  requestsByPhase: Object.fromEntries(full.phaseEnds.map((p) => [`phase${String(p.phase)}`, p.requests])),
  requiredByPhase: full.budget.byPhase,
  peakRssMb: full.runEnd.peak_rss_mb ?? null,
  concurrency: full.settled,
  pacePerSecond: full.runEnd.pace_per_s ?? null,
  simulator: { byStatus: full.s.requests.byStatus, invalid: full.s.requests.invalid, state: full.s.state },
  rowsByState: (JSON.parse(readFileSync(join(full.runDir, 'summary.json'), 'utf8')) as { rows: unknown }).rows,
  sequential: { rows: sampleRows, wallSeconds: Math.round(seq.run.seconds * 10) / 10, rowsPerSecond: Math.round(seqRowsPerSecond * 100) / 100, requests: seq.s.requests.total },
  speedUpOverSequential: Math.round((rowsPerSecond / seqRowsPerSecond) * 10) / 10,
  throughput: series,
  profile: PROFILE,
  machine: { cpus: (await import('node:os')).cpus().length, node: process.version, date: new Date().toISOString() },
};
writeFileSync(join(out, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
const md = [
  `# wbp bench — ${rows} rows`,
  '',
  `Profile: latency ${PROFILE.latencyMs} ± ${PROFILE.jitterMs} ms, ${PROFILE.rateLimitPerMin} requests/min per token (429 + Retry-After), ${PROFILE.errorRate * 100}% 5xx, ${PROFILE.hangRate * 100}% hangs, ${PROFILE.applyThenDropRate * 100}% apply-then-drop.`,
  '',
  '| metric | value |',
  '| --- | ---: |',
  `| rows | ${rows} |`,
  `| wall time | ${result.wallSeconds} s |`,
  `| floor (required requests / rate limit) | ${result.floorSeconds} s (${result.requiredRequests} / ${ratePerSecond}/s) |`,
  `| wall / floor | **${result.wallOverFloor}** |`,
  `| requests sent | ${result.requests} |`,
  `| 429 answers | ${status429} (${result.share429}%) |`,
  `| rows/s | ${result.rowsPerSecond} |`,
  `| sequential sample (concurrency 1) | ${result.sequential.rowsPerSecond} rows/s (${sampleRows} rows) |`,
  `| speed-up over sequential | ${result.speedUpOverSequential}× |`,
  `| concurrency settled on | ${result.concurrency} |`,
  `| peak RSS of wbp run | ${result.peakRssMb} MB |`,
  `| requests by phase (sent / required) | ${[1, 2, 3].map((p) => `${p}: ${String(result.requestsByPhase[`phase${p}`])} / ${full.budget.byPhase[p as 1 | 2 | 3]}`).join(' · ')} |`,
  `| duplicates / invalid requests | ${full.s.state.duplicateLocationNames} locations, ${full.s.state.duplicateLicenseAssignments} licences / ${full.s.requests.invalid} |`,
  '',
  throughputMermaid(series),
  '',
].join('\n');
writeFileSync(join(out, 'result.md'), md);
console.log(md);
