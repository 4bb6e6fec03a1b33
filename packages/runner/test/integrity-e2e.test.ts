import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readCsvRecords, RESULTS_COLUMNS } from '@wbp/files';
import { startSimulator, type StartedSimulator } from '@wbp/webex-sim';
import { workspace } from './helpers.js';

const bin = join(import.meta.dirname, '..', 'bin', 'wbp.mjs');
const TOKEN = 'bounds-token-93c1';
const USERS = 12;

let sim: StartedSimulator;
beforeAll(async () => {
  sim = await startSimulator({
    token: TOKEN,
    people: Array.from({ length: USERS }, (_, i) => ({ email: `b${i}@example.com`, displayName: `B ${i}` })),
  });
});
afterAll(() => sim.close());

function run(cwd: string): Promise<number | null> {
  return new Promise((done) => {
    const env = {
      PATH: process.env.PATH ?? '',
      ENVIRONMENT: 'lab',
      WEBEX_BASE_URL: sim.baseUrl,
      WEBEX_TOKEN: TOKEN,
      BATCH_SIZE: '5',
      MAX_ROWS: '10',
      CONCURRENCY: '2',
    };
    const child = spawn(process.execPath, [bin, 'run', 'site.csv', '--out', 'out', '--progress', 'off'], {
      cwd,
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.on('exit', (code) => done(code));
  });
}

it('MAX_ROWS counts rows started in this invocation: each invocation exits 41 after 10 more rows, the last one completes', async () => {
  const header =
    'entity_type,location_key,location_name,time_zone,preferred_language,announcement_language,address_line1,address_city,address_state,address_postal_code,address_country,email,calling_enabled,extension';
  const lines = [header, 'location,,Madrid HQ,Europe/Madrid,es_es,es_es,Calle Mayor 1,Madrid,Madrid,28013,ES,,,'];
  for (let i = 0; i < USERS; i++) lines.push(`user,Madrid HQ,,,,,,,,,,b${i}@example.com,true,`);
  for (let i = 0; i < USERS; i++) lines.push(`extension_assignment,Madrid HQ,,,,,,,,,,b${i}@example.com,,${4000 + i}`);
  const dir = await workspace({ 'site.csv': `${lines.join('\n')}\n` });
  const total = 1 + 2 * USERS;
  const codes: (number | null)[] = [];
  const terminal: number[] = [];
  for (let i = 0; i < 5; i++) {
    codes.push(await run(dir));
    let n = 0;
    for await (const _ of readCsvRecords(join(dir, 'out', 'results.csv'), RESULTS_COLUMNS)) n++;
    terminal.push(n);
    if (codes.at(-1) !== 41) break;
  }
  expect(codes).toEqual([41, 41, 0]);
  expect(terminal).toEqual([10, 20, total]);
  expect(sim.sim.stats().state).toMatchObject({ callingUsers: USERS, duplicateLicenseAssignments: 0 });
}, 90_000);

it('two wbp run on one output folder: the second refuses at once (exit 33, names the holder), the first finishes alone', async () => {
  const header =
    'entity_type,location_key,location_name,time_zone,preferred_language,announcement_language,address_line1,address_city,address_state,address_postal_code,address_country,email,calling_enabled,extension';
  const lines = [header, 'location,,Sevilla,Europe/Madrid,es_es,es_es,Calle Sierpes 1,Sevilla,Sevilla,41004,ES,,,'];
  for (let i = 0; i < USERS; i++) lines.push(`user,Sevilla,,,,,,,,,,b${i}@example.com,true,`);
  const dir = await workspace({ 'site.csv': `${lines.join('\n')}\n` });
  sim.sim.configure({ latencyMs: 150 });
  try {
    const env = { PATH: process.env.PATH ?? '', ENVIRONMENT: 'lab', WEBEX_BASE_URL: sim.baseUrl, WEBEX_TOKEN: TOKEN, CONCURRENCY: '1' };
    const first = spawn(process.execPath, [bin, 'run', 'site.csv', '--out', 'out', '--progress', 'off'], {
      cwd: dir,
      env,
      stdio: 'ignore',
    });
    const firstExit = new Promise<number | null>((done) => first.on('exit', done));
    // The lock is taken before anything else is written: wait for it (bounded), then start the second run.
    for (let i = 0; i < 200 && !existsSync(join(dir, 'out', '.wbp.lock')); i++) await new Promise((r) => setTimeout(r, 25));
    expect(existsSync(join(dir, 'out', '.wbp.lock'))).toBe(true);
    // Hold the first run (alive, lock held) while the second starts: on a loaded machine the first
    // could otherwise finish, and let go of the lock, before the second has even started.
    first.kill('SIGSTOP');
    let second: { code: number | null; stderr: string };
    try {
      second = await new Promise<{ code: number | null; stderr: string }>((done) => {
        const child = spawn(process.execPath, [bin, 'run', 'site.csv', '--out', 'out', '--progress', 'off'], { cwd: dir, env });
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('exit', (code) => done({ code, stderr }));
      });
    } finally {
      first.kill('SIGCONT');
    }
    expect(second.code).toBe(33);
    expect(second.stderr).toMatch(new RegExp(`pid ${first.pid}`));
    expect([0, 10]).toContain(await firstExit);
    let n = 0;
    for await (const _ of readCsvRecords(join(dir, 'out', 'results.csv'), RESULTS_COLUMNS)) n++;
    expect(n).toBe(1 + USERS); // every row once, none twice
    expect(existsSync(join(dir, 'out', '.wbp.lock'))).toBe(false);
  } finally {
    sim.sim.configure({ latencyMs: 0 });
  }
}, 90_000);
