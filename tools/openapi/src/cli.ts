#!/usr/bin/env node
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateAll, SpecsNotFoundError } from './generate.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const DEFAULT_SPECS = resolve(repoRoot, '../shared/webex-openapi');
const OUT_DIR = join(repoRoot, 'packages/webex-client/src/generated');

const { values } = parseArgs({
  options: {
    specs: { type: 'string' },
    check: { type: 'boolean', default: false },
    'if-present': { type: 'boolean', default: false },
  },
});

const specsDir = resolve(values.specs ?? process.env.WEBEX_OPENAPI_DIR ?? DEFAULT_SPECS);

async function main(): Promise<number> {
  let modules;
  try {
    modules = await generateAll(specsDir);
  } catch (err) {
    if (err instanceof SpecsNotFoundError && values['if-present']) {
      console.log(`gen:client: ${err.message}; nothing to check.`);
      return 0;
    }
    throw err;
  }
  if (values.check) {
    const stale: string[] = [];
    for (const m of modules) {
      const committed = await readFile(join(OUT_DIR, m.fileName), 'utf8').catch(() => undefined);
      if (committed !== m.source) stale.push(m.fileName);
    }
    if (stale.length > 0) {
      console.error(`gen:client --check: stale generated file(s): ${stale.join(', ')} (specs: ${specsDir}). Run \`npm run gen:client\`.`);
      return 1;
    }
    console.log(`gen:client --check: ${modules.length} generated modules match ${specsDir}`);
    return 0;
  }
  await mkdir(OUT_DIR, { recursive: true });
  for (const m of modules) {
    await writeFile(join(OUT_DIR, m.fileName), m.source);
    console.log(`wrote ${m.fileName} from ${m.specFile}${m.changes.length ? ` (${m.changes.length} overlay changes)` : ''}`);
    for (const c of m.changes) console.log(`  ${c}`);
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`gen:client failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
