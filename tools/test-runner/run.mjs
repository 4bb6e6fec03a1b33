#!/usr/bin/env node
// `npm test`: the spec-drift check of the generated client (when the specs folder is beside the
// checkout), then typecheck + tests of every Nx project, then one plain `N passed, N failed` line.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const results = join(root, '.test-results');
rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });

const env = { ...process.env, WBP_TEST_RESULTS: results, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, env, stdio: 'inherit' }).status ?? 1;

let extraPassed = 0;
let extraFailed = 0;
const specs = process.env.WEBEX_OPENAPI_DIR ?? resolve(root, '../shared/webex-openapi');
if (existsSync(specs)) {
  if (run('npx', ['tsx', 'tools/openapi/src/cli.ts', '--check', '--specs', specs]) === 0) extraPassed++;
  else extraFailed++;
} else {
  console.log(`spec-drift check skipped: ${specs} not present`);
}

const nx = run('npx', ['nx', 'run-many', '-t', 'typecheck', 'test', '--output-style=static', '--parallel=2']);

let passed = extraPassed;
let failed = extraFailed;
for (const file of readdirSync(results).filter((f) => f.endsWith('.json'))) {
  const report = JSON.parse(readFileSync(join(results, file), 'utf8'));
  passed += report.numPassedTests ?? 0;
  failed += (report.numFailedTests ?? 0) + (report.numRuntimeErrorTestSuites ?? 0);
}
if (nx !== 0 && failed === 0) failed = 1; // a typecheck or suite-level failure with no failed test to show for it
console.log(`${passed} passed, ${failed} failed`);
process.exit(nx === 0 && failed === 0 ? 0 : 1);
