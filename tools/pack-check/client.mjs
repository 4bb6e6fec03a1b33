#!/usr/bin/env node
// Proves @wbp/webex-client installs and typechecks as a package, the way a new user gets it:
// `npm pack` from this clone (prepack builds it), publint and attw on that very tarball, then a fresh
// project outside the repository installs the tarball from disk with TypeScript and Node's types
// from the registry, typechecks a 10-line consumer under moduleResolution node16, nodenext and
// bundler, and runs it. Exits 1 at the first failure. Usage: node tools/pack-check/client.mjs
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..');
const PACKAGE = '@wbp/webex-client';
/** The consumer's toolchain: the TypeScript the repository pins, and the oldest Node the package supports. */
const CONSUMER_DEPS = ['typescript@5.9.3', '@types/node@20'];

const CONSUMER = `import { CLIENT_DEFAULTS, createWebexClient, WebexApiError, type WebexClientOptions } from '@wbp/webex-client';

const options: WebexClientOptions = { auth: { token: process.env.WEBEX_TOKEN ?? 'token-for-a-typecheck' }, retry: { retries: 2 } };
const webex = createWebexClient(options);
const nameOf = async (email: string): Promise<string> => (await webex.people.findByEmail(email))?.displayName ?? 'not in the directory';
let refused = '';
try { createWebexClient({ auth: { token: 't' }, retry: { retries: -1 } }); } catch (err) { if (err instanceof TypeError) refused = err.message; }
console.log(JSON.stringify({ retries: CLIENT_DEFAULTS.retry.retries, refused, nameOf: typeof nameOf, error: WebexApiError.name }));
await webex.close();
`;

/**
 * moduleResolution → the compiler options a consumer project would have for it. node16 also checks
 * every declaration file the package ships (skipLibCheck off); the others check resolution and the
 * consumer's code only, as most projects do (a full library check takes ~40 s each on CI's cores).
 */
const SETUPS = {
  node16: { module: 'node16', moduleResolution: 'node16', skipLibCheck: false, outDir: 'out' },
  nodenext: { module: 'nodenext', moduleResolution: 'nodenext', skipLibCheck: true, noEmit: true },
  bundler: { module: 'esnext', moduleResolution: 'bundler', skipLibCheck: true, noEmit: true },
};

function run(label, command, args, cwd) {
  const started = Date.now();
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    process.stdout.write(`${result.stdout ?? ''}${result.stderr ?? ''}`);
    throw new Error(`${label} FAILED (exit ${result.status ?? result.signal}, ${seconds} s)`);
  }
  console.log(`pack-check: ${label} ok (${seconds} s)`);
  return result.stdout;
}

const work = mkdtempSync(join(tmpdir(), 'wbp-pack-check-'));
try {
  run(`npm pack -w ${PACKAGE} (prepack builds it)`, 'npm', ['pack', '-w', PACKAGE, '--pack-destination', work, '--silent'], root);
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error('npm pack wrote no tarball');
  const tgz = join(work, tarball);
  const listing = spawnSync('tar', ['-tzf', tgz], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  if (!listing.includes('package/dist/index.js') || !listing.includes('package/dist/index.d.ts'))
    throw new Error(`${tarball} has no dist/index.js or dist/index.d.ts`);
  console.log(`pack-check: ${tarball}: ${(statSync(tgz).size / 1024).toFixed(0)} kB, ${listing.length} files`);
  run('publint (strict)', 'npx', ['--no-install', 'publint', 'run', tgz, '--strict'], root);
  // esm-only: the package is ESM; node10 and require() from CommonJS are not promised.
  run('attw (profile esm-only)', 'npx', ['--no-install', 'attw', tgz, '--profile', 'esm-only', '--format', 'ascii'], root);

  const consumer = join(work, 'consumer');
  mkdirSync(consumer);
  writeFileSync(join(consumer, 'package.json'), `${JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2)}\n`);
  writeFileSync(join(consumer, 'consumer.ts'), CONSUMER);
  run(
    `npm i ${tarball} ${CONSUMER_DEPS.join(' ')} (fresh project outside the repository)`,
    'npm',
    ['i', '--no-audit', '--no-fund', '--ignore-scripts', tgz, ...CONSUMER_DEPS],
    consumer,
  );
  const tsc = join(consumer, 'node_modules', 'typescript', 'bin', 'tsc');
  for (const [name, options] of Object.entries(SETUPS)) {
    const config = `tsconfig.${name}.json`;
    const compilerOptions = { target: 'es2022', strict: true, types: ['node'], ...options };
    writeFileSync(join(consumer, config), `${JSON.stringify({ compilerOptions, files: ['consumer.ts'] }, null, 2)}\n`);
    run(`typecheck under moduleResolution ${name}`, process.execPath, [tsc, '-p', config], consumer);
  }
  const output = run('the compiled consumer runs', process.execPath, [join('out', 'consumer.js')], consumer);
  const seen = JSON.parse(output.trim().split('\n').at(-1) ?? '{}');
  const refusal = 'retry.retries must be a whole number ≥ 0, got -1';
  if (seen.retries !== 5 || seen.refused !== refusal || seen.error !== 'WebexApiError')
    throw new Error(`the consumer printed ${output.trim()}; expected retries 5, the refusal "${refusal}" and WebexApiError`);
  console.log('pack-check: passed');
} catch (err) {
  console.log(`pack-check: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
