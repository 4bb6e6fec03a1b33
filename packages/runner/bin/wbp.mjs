#!/usr/bin/env node
// The `wbp` command. Installed from the package it runs dist/wbp.js, the compiled bundle that
// `npm run build` writes (prepack runs it). In a checkout of the repository (src/ beside bin/;
// the package ships no src/) it runs the TypeScript sources instead, through tsx (a root dev
// dependency), so the repository's tests, demo and workflows never run a stale build; the
// compiled bin is tested from a packed tarball (test/packed.test.ts). The source-condition hook
// makes `@wbp/*` imports resolve through the packages' `@wbp/source` export (src/), set up from
// inside the process so the bin works from any directory without flags or a re-exec.
import { existsSync } from 'node:fs';

if (existsSync(new URL('../src/wbp.ts', import.meta.url))) {
  const { register } = await import('node:module');
  const { register: registerTsx } = await import('tsx/esm/api');
  registerTsx();
  register('./source-condition.mjs', import.meta.url); // registered last, so it runs first
  await import('../src/wbp.ts');
} else await import('../dist/wbp.js');
