#!/usr/bin/env node
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateAll, requestSchemasJson, SpecsNotFoundError, type GeneratedModule } from './generate.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const DEFAULT_SPECS = resolve(repoRoot, '../shared/webex-openapi');
const OUT_DIR = join(repoRoot, 'packages/webex-client/src/generated');
const SIM_SCHEMAS = join(repoRoot, 'tools/webex-sim/src/generated/request-schemas.json');

const { values } = parseArgs({
  options: {
    specs: { type: 'string' },
    check: { type: 'boolean', default: false },
    'if-present': { type: 'boolean', default: false },
  },
});

const specsDir = resolve(values.specs ?? process.env.WEBEX_OPENAPI_DIR ?? DEFAULT_SPECS);

async function main(): Promise<number> {
  let modules: GeneratedModule[];
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
    const expected = [
      ...modules.map((m) => ({ file: join(OUT_DIR, m.fileName), source: m.source })),
      { file: SIM_SCHEMAS, source: requestSchemasJson(modules) },
    ];
    for (const { file, source } of expected) {
      const committed = await readFile(file, 'utf8').catch(() => undefined);
      if (committed !== source) stale.push(file.slice(repoRoot.length + 1));
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
  await mkdir(dirname(SIM_SCHEMAS), { recursive: true });
  await writeFile(SIM_SCHEMAS, requestSchemasJson(modules));
  console.log(`wrote ${SIM_SCHEMAS.slice(repoRoot.length + 1)}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`gen:client failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
