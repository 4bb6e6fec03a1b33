#!/usr/bin/env node
// Runs the TypeScript CLI from source (no build step) with the workspace's @wbp/source condition.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const tsx = require.resolve('tsx');
const child = spawn(process.execPath, ['--conditions=@wbp/source', '--import', tsx, cli, ...process.argv.slice(2)], {
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
