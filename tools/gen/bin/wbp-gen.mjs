#!/usr/bin/env node
// The `wbp-gen` command: runs the TypeScript sources directly (see packages/runner/bin/wbp.mjs
// for how tsx and the `@wbp/source` condition are set up without flags or a re-exec).
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

registerTsx();
register('./source-condition.mjs', import.meta.url); // registered last, so it runs first

const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv.slice(2));
