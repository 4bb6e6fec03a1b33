import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from '@wbp/webex-sim';
import { SITE_CSV } from './helpers.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'packages/runner/package.json'), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
};
const [npm, npx] = process.platform === 'win32' ? ['npm.cmd', 'npx.cmd'] : ['npm', 'npx'];

/**
 * What a user gets: `npm pack -w @wbp/runner` (prepack builds dist/), the tarball installed alone
 * into an empty project outside the repository, the bin run from there. Needs the npm registry
 * (or npm's cache) for the third-party dependencies.
 */
describe('the packed runner, installed into an empty folder', () => {
  let dir: string;
  let files: string[];
  const wbp = (...args: string[]) =>
    spawnSync(npx, ['--no-install', 'wbp', ...args], {
      cwd: join(dir, 'app'),
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir, NO_COLOR: '1' },
    });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wbp-packed-'));
    const packed = JSON.parse(
      execFileSync(npm, ['pack', '-w', '@wbp/runner', '--pack-destination', dir, '--json', '--silent'], { cwd: ROOT, encoding: 'utf8' }),
    ) as { filename: string; files: { path: string }[] }[];
    files = packed[0]!.files.map((f) => f.path);
    mkdirSync(join(dir, 'app'));
    writeFileSync(join(dir, 'app', 'package.json'), '{ "name": "app", "private": true }\n');
    writeFileSync(join(dir, 'app', 'site.csv'), SITE_CSV);
    execFileSync(npm, ['install', join(dir, packed[0]!.filename), '--prefer-offline', '--no-audit', '--no-fund', '--silent'], {
      cwd: join(dir, 'app'),
    });
  }, 240_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('ships the bin and the compiled bundle, no TypeScript sources', () => {
    expect(files).toContain('bin/wbp.mjs');
    expect(files).toContain('dist/wbp.js');
    expect(files.filter((f) => f.endsWith('.ts') || f.startsWith('src/'))).toEqual([]);
  });

  it('installs only its declared runtime dependencies: no workspace package, no dev dependency', () => {
    const installed = join(dir, 'app', 'node_modules');
    for (const name of Object.keys(pkg.dependencies)) expect(existsSync(join(installed, name)), name).toBe(true);
    for (const dev of ['tsx', 'esbuild', 'typescript', '@wbp/executor-core', '@wbp/webex-client'])
      expect(existsSync(join(installed, dev)), dev).toBe(false);
  });

  it('npx wbp --version, --help, validate and an unknown flag behave as in the repository', () => {
    const version = wbp('--version');
    expect({ status: version.status, stdout: version.stdout }).toEqual({ status: 0, stdout: `${pkg.version}\n` });
    const help = wbp('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^usage: wbp <command> \[options\]/);
    // The bundled workspace code (csv-contract, files) runs: the same report as from the sources.
    const validate = wbp('validate', 'site.csv', '--out', 'out');
    expect(validate.status).toBe(0);
    expect(validate.stdout).toContain('  rows      5\n  ready     3\n  rejected  2\n');
    const bogus = wbp('run', 'site.csv', '--bogus');
    expect(bogus.status).toBe(2);
    expect(bogus.stderr).toContain('usage: wbp run');
  }, 60_000);

  it('wbp run from the installed package provisions over HTTP (the bundled client, executor and state at work)', async () => {
    const token = 'packed-e2e-token-3b7c';
    const sim = await startSimulator({ token, people: [{ email: 'ana.garcia@example.com' }] });
    try {
      // Asynchronous: the simulator answers from this process while the run goes on.
      const run = await new Promise<{ code: number; stdout: string }>((done) => {
        execFile(
          npx,
          ['--no-install', 'wbp', 'run', 'site.csv', '--out', 'run'],
          {
            cwd: join(dir, 'app'),
            encoding: 'utf8',
            env: {
              PATH: process.env.PATH ?? '',
              HOME: process.env.HOME ?? dir,
              ENVIRONMENT: 'lab',
              WEBEX_BASE_URL: sim.baseUrl,
              WEBEX_TOKEN: token,
            },
          },
          (err, stdout) => done({ code: err ? Number(err.code) : 0, stdout }),
        );
      });
      expect(run.code).toBe(10); // two rows rejected by validation, two pending (see helpers.ts SITE_CSV)
      expect(run.stdout).toMatch(/^ {2}success +1\n {2}pending +2\n {2}rejected +2$/m);
      expect(
        readFileSync(join(dir, 'app', 'run', 'results.csv'), 'utf8')
          .split('\n')
          .filter(Boolean),
      ).toHaveLength(4);
    } finally {
      await sim.close();
    }
  }, 60_000);
});
