#!/usr/bin/env node
// The `wbp` command. It runs the TypeScript sources directly, with no build step: tsx compiles
// them as they load, and the source-condition hook makes `@wbp/*` imports resolve through the
// packages' `@wbp/source` export (src/) — what `node --conditions=@wbp/source --import tsx` does,
// set up from inside the process so the bin works from any directory without flags or a re-exec.
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

registerTsx();
register('./source-condition.mjs', import.meta.url); // registered last, so it runs first

const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv.slice(2));
