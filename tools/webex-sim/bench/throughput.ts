// Measures the simulator's requests/s at latency 0: wbp-sim runs as its own process (as in the
// benchmark and end-to-end tests) and this process drives it with N concurrent keep-alive callers.
// Usage: npx tsx --conditions=@wbp/source tools/webex-sim/bench/throughput.ts [--seconds 10] [--concurrency 32]
import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, concurrency: { type: 'string', default: '32' } } });
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);

const child = spawn(process.execPath, ['--conditions=@wbp/source', '--import', 'tsx', 'tools/webex-sim/src/cli.ts', '--token', 'bench'], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
});
const line = await new Promise<string>((res) => createInterface({ input: child.stdout }).once('line', res));
const { baseUrl } = JSON.parse(line) as { baseUrl: string };
const headers = { Authorization: 'Bearer bench' };
const mix = [
  `${baseUrl}/people/me`,
  `${baseUrl}/people?email=nobody%40example.com&callingData=true`,
  `${baseUrl}/locations`,
  `${baseUrl}/licenses`,
];

let done = 0;
let failed = 0;
const until = Date.now() + seconds * 1000;
const t0 = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async (_, w) => {
    for (let i = w; Date.now() < until; i++) {
      const r = await fetch(mix[i % mix.length]!, { headers });
      await r.arrayBuffer();
      if (r.ok) done++;
      else failed++;
    }
  }),
);
const elapsed = (performance.now() - t0) / 1000;
child.kill('SIGTERM');
console.log(
  JSON.stringify({
    seconds: Number(elapsed.toFixed(2)),
    concurrency,
    requests: done,
    failed,
    requestsPerSecond: Math.round(done / elapsed),
  }),
);
