// `npm run demo`: wbp-sim in this process, seeded for examples/demo; the real `wbp run` as a child
// process over HTTP; every artifact in out/demo/. wbp run prints its own summary (an aligned table;
// the Markdown one is out/demo/summary.md); the demo adds the simulator's counts. Like wbp, the
// demo's own progress lines go to stderr, results to stdout.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readNumbersSeed, readPeopleSeed, startSimulator } from '@wbp/webex-sim';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const example = join(root, 'examples/demo');
const out = join(root, 'out/demo');
const bin = join(root, 'packages/runner/bin/wbp.mjs');

rmSync(out, { recursive: true, force: true });
const token = `demo-${randomBytes(8).toString('hex')}`;
const sim = await startSimulator({
  token,
  seed: 7,
  people: await readPeopleSeed(join(example, 'people.csv')),
  numbers: await readNumbersSeed(join(example, 'numbers.csv')),
  callingLicenses: 1000,
  // A little of the real world: latency, the odd 5xx, and a response lost after the change was applied.
  latencyMs: 15,
  jitterMs: 10,
  errorRate: 0.01,
  applyThenDropRate: 0.01,
  duplicateLocationNames: 'allow',
});
console.error(`wbp demo: simulated Webex org at ${sim.baseUrl} (wbp-sim)\n`);

const code = await new Promise<number>((done) => {
  // Paths relative to the repository (the child's folder), as the summary prints them; progress as wbp's default.
  const child = spawn(process.execPath, [bin, 'run', relative(root, join(example, 'site.csv')), '--out', relative(root, out)], {
    cwd: root,
    stdio: 'inherit',
    // This simulator applies every change at once (no late apply), so a short settle window is enough
    // to show unknown outcomes being settled without making the demo wait a minute per 5xx.
    env: {
      ...process.env,
      ENVIRONMENT: 'lab',
      WEBEX_BASE_URL: sim.baseUrl,
      WEBEX_TOKEN: token,
      CONCURRENCY: '8',
      UNKNOWN_OUTCOME_SETTLE_SECONDS: '3',
    },
  });
  child.on('exit', (c) => done(c ?? 70));
});
const stats = sim.sim.stats();
await sim.close();

const rel = (p: string) => relative(root, p) || '.';
console.log("\nReferee (the simulator's own counts):");
console.log(`  requests ${stats.requests.total} (invalid ${stats.requests.invalid}; by status ${JSON.stringify(stats.requests.byStatus)})`);
console.log(
  `  locations ${stats.state.locations}, Calling-enabled ${stats.state.callingLocations}, Calling users ${stats.state.callingUsers}, duplicate locations ${stats.state.duplicateLocationNames}, double licence assignments ${stats.state.duplicateLicenseAssignments}, identity changes ${stats.state.identityChanges}`,
);
console.log(
  `\nFiles in ${rel(out)}/: ready_to_load.csv, rejected_rows.csv, results.csv, pending_rows.csv, checkpoint.json, run.log, summary.md, summary.json`,
);
console.log(`Input: ${rel(join(example, 'site.csv'))}. Run it again to see a clean re-run, or read docs/operator-guide.md.`);
// The demo proves the guarantees, so it fails when one does not hold.
const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { rows: { notYetProcessed: number } };
const broken = [
  summary.rows.notYetProcessed > 0 ? `${summary.rows.notYetProcessed} rows not terminal` : '',
  stats.requests.invalid > 0 ? `${stats.requests.invalid} invalid requests` : '',
  stats.state.duplicateLocationNames + stats.state.duplicateLicenseAssignments + stats.state.identityChanges > 0
    ? 'duplicates or identity changes'
    : '',
].filter(Boolean);
if (broken.length > 0) {
  console.error(`wbp demo: FAILED: ${broken.join('; ')}`);
  process.exit(1);
}
process.exit(code === 0 || code === 10 ? 0 : code);
