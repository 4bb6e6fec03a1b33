/**
 * Benchmark (not a test): generates N rows with wbp-gen, then validates them in a fresh child
 * process so that peak RSS measures validation alone, not the generator's in-memory rows.
 *
 *   npx tsx --conditions=@wbp/source tools/gen/src/bench-validate.ts --rows 21000 [--seed 1]
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { validateCsvFile } from '@wbp/csv-contract';
import { generateSite } from './generate.js';
import { writeSite } from './write.js';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '21000' },
    seed: { type: 'string', default: '1' },
    input: { type: 'string' },
    out: { type: 'string' },
  },
});

if (values.input && values.out) {
  // child: validate only, report as JSON
  const started = performance.now();
  const summary = await validateCsvFile(values.input, values.out);
  const ms = performance.now() - started;
  process.stdout.write(
    JSON.stringify({ ms, maxRssKb: process.resourceUsage().maxRSS, rows: summary.rows, ready: summary.ready, rejected: summary.rejected }),
  );
} else {
  const rows = Number(values.rows);
  const dir = await mkdtemp(join(tmpdir(), 'wbp-bench-'));
  try {
    const genStarted = performance.now();
    const site = generateSite({ rows, seed: Number(values.seed) });
    const { input } = await writeSite(dir, site);
    const genMs = performance.now() - genStarted;

    // The heap cap the workflows give wbp: without it V8 grows the heap lazily and RSS follows.
    const child = spawnSync(
      process.execPath,
      ['--max-old-space-size=96', ...process.execArgv, fileURLToPath(import.meta.url), '--input', input, '--out', join(dir, 'out')],
      { encoding: 'utf8' },
    );
    if (child.status !== 0) throw new Error(`validation child failed: ${child.stderr}`);
    const result = JSON.parse(child.stdout) as { ms: number; maxRssKb: number; rows: number; ready: number; rejected: number };
    const baseline = spawnSync(
      process.execPath,
      [...process.execArgv, '-e', 'process.stdout.write(String(process.resourceUsage().maxRSS))'],
      { encoding: 'utf8' },
    );
    process.stdout.write(
      [
        `rows ${result.rows} (ready ${result.ready}, rejected ${result.rejected}); generated in ${Math.round(genMs)} ms`,
        `validate: ${Math.round(result.ms)} ms wall, ${Math.round(result.rows / (result.ms / 1000))} rows/s`,
        `peak RSS: ${(result.maxRssKb / 1024).toFixed(1)} MiB (an idle node process here: ${(Number(baseline.stdout) / 1024).toFixed(1)} MiB)`,
        '',
      ].join('\n'),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
