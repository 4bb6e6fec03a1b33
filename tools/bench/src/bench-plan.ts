// npm run bench:plan -- --rows N --out DIR
// Generates N rows (wbp-gen), starts wbp-sim in its own process with the bench profile, runs the
// real `wbp plan` over HTTP and writes DIR/result.json and DIR/result.md: wall time against the
// plan's own floor (the reads it cannot do without, divided by the rate limit), the requests it
// sent by operation, and that every one of them was a read.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readReadyRows } from '@wbp/csv-contract';
import { generateSite, writeSite } from '@wbp/gen';
import { STARTUP_REQUESTS } from './budget.js';
import { machine, ROOT, startSim } from './harness.js';
import { benchOptions, describeProfile, PROFILE, simFlags } from './profile.js';

const { values } = parseArgs({
  options: benchOptions('out/bench-plan'),
});
const rows = Number(values.rows);
const seed = Number(values.seed);
const out = resolve(ROOT, values.out);
const ratePerSecond = PROFILE.rateLimitPerMin / 60;
const token = 'bench-plan';

rmSync(out, { recursive: true, force: true });
const gen = join(out, 'gen');
mkdirSync(gen, { recursive: true });
const site = generateSite({ rows, seed });
await writeSite(gen, site);
const sim = await startSim({ genDir: gen, token, seed, callingLicenses: rows * 2, flags: simFlags(), stderr: join(out, 'sim.stderr.log') });
let code: number | null = null;
let seconds = 0;
let stats: Awaited<ReturnType<typeof sim.stats>>;
try {
  const t0 = performance.now();
  code = await new Promise<number | null>((done) => {
    const child = spawn(
      process.execPath,
      [join(ROOT, 'packages/runner/bin/wbp.mjs'), 'plan', join(gen, 'input.csv'), '--out', join(out, 'plan')],
      {
        cwd: ROOT,
        stdio: ['ignore', 'ignore', 'inherit'],
        env: {
          ...process.env,
          NODE_OPTIONS: '--max-old-space-size=192',
          ENVIRONMENT: 'lab',
          WEBEX_BASE_URL: sim.baseUrl,
          WEBEX_TOKEN: token,
          CONCURRENCY: '8',
          CONCURRENCY_MAX: values['concurrency-max']!,
        },
      },
    );
    child.on('exit', (c) => done(c));
  });
  seconds = (performance.now() - t0) / 1000;
} finally {
  stats = await sim.stats();
  await sim.stop();
}

// The plan's floor on a fresh org (no location of the site exists yet): the start-up requests, then
// one look-up per person the ready rows name. Nothing else can be read: the locations the plan
// would create have no number inventory or settings yet, and the people have no Calling.
const emails = new Set<string>();
for await (const r of readReadyRows(join(out, 'plan', 'ready_to_load.csv'))) if (r.email) emails.add(r.email);
const required = STARTUP_REQUESTS + emails.size;
const floorSeconds = required / ratePerSecond;
const reads = Object.entries(stats.requests.byOperation)
  .filter(([op]) => op.startsWith('GET '))
  .reduce((n, [, c]) => n + c, 0);
const result = {
  rows,
  exitStatus: code,
  wallSeconds: Math.round(seconds * 10) / 10,
  requests: stats.requests.total,
  reads,
  mutating: stats.requests.total - reads,
  status429: stats.requests.byStatus['429'] ?? 0,
  requiredRequests: required,
  rateLimitPerSecond: ratePerSecond,
  floorSeconds: Math.round(floorSeconds * 10) / 10,
  wallOverFloor: Math.round((seconds / floorSeconds) * 1000) / 1000,
  byOperation: stats.requests.byOperation,
  profile: PROFILE,
  machine: machine(),
};
writeFileSync(join(out, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
const md = [
  `# wbp plan bench: ${rows} rows`,
  '',
  `Profile: ${describeProfile(PROFILE)}.`,
  '',
  '| metric | value |',
  '| --- | ---: |',
  `| exit status | ${String(code)} |`,
  `| wall time | ${result.wallSeconds} s |`,
  `| floor (required reads / rate limit) | ${result.floorSeconds} s (${required} / ${ratePerSecond}/s) |`,
  `| wall / floor | **${result.wallOverFloor}** |`,
  `| requests sent / reads / mutating / 429 | ${result.requests} / ${reads} / ${result.mutating} / ${result.status429} |`,
  '',
].join('\n');
writeFileSync(join(out, 'result.md'), md);
console.log(md);
