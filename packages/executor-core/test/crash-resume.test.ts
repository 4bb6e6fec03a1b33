import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type StartedSimulator } from '@wbp/webex-sim';
import type { ExecRow } from '../src/index.js';
import { readResults } from './outputs-read.js';
import { assignment, resetRowIds, site, tmpOut, TOKEN, user } from './fixtures.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const driver = 'packages/executor-core/test/fixtures/driver.ts';
const TRIALS = 20;

const SITES = ['Madrid HQ', 'Barcelona', 'Sevilla'];
const PEOPLE = Array.from({ length: 24 }, (_, i) => `person${i}@example.com`);

function buildRows(): ExecRow[] {
  resetRowIds();
  const rows: ExecRow[] = SITES.map((s) => site(s));
  PEOPLE.forEach((email, i) => {
    rows.push(
      user(email, SITES[i % 3]!, i % 2 === 0 ? { calling_settings_call_waiting: 'false', calling_settings_do_not_disturb: 'true' } : {}),
    );
  });
  PEOPLE.forEach((email, i) => {
    rows.push(
      assignment(email, SITES[i % 3]!, {
        extension: String(2000 + i),
        ...(i % 4 === 0 ? { phone_number: `+3491000${String(i).padStart(4, '0')}`, caller_id_selected: 'DIRECT_LINE' } : {}),
      }),
    );
  });
  return rows;
}

/** The org as names and lines, independent of ids and creation order. */
function snapshot(sim: StartedSimulator) {
  const org = sim.sim.org;
  const siteName = (id: string) => org.locations.get(id)?.name;
  return {
    locations: [...org.locations.values()].map((l) => `${l.name}|${l.timeZone}|${org.callingLocations.has(l.id)}`).sort(),
    people: [...org.people.values()]
      .map(
        (p) =>
          `${p.email}|${p.displayName}|${p.calling ? `${siteName(p.calling.locationId)}|${p.calling.extension}|${p.calling.workNumber}` : '-'}|${JSON.stringify(p.settings?.callWaiting)}|${JSON.stringify(p.settings?.doNotDisturb)}|${JSON.stringify(p.settings?.callerId)}`,
      )
      .sort(),
  };
}

/** Kills the driver once the simulator has seen `at` requests (its onRequest hook calls what `setHook` installs). */
function killAt(at: number, setHook: (hook: ((total: number) => void) | undefined) => void): { arm: (kill: () => void) => void } {
  return {
    arm: (kill) =>
      setHook((total) => {
        if (total >= at) {
          setHook(undefined);
          kill();
        }
      }),
  };
}

function runDriver(
  rowsFile: string,
  outDir: string,
  baseUrl: string,
  killAt?: { arm: (kill: () => void) => void },
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--conditions=@wbp/source', '--import', 'tsx', driver, rowsFile, outDir, baseUrl, TOKEN], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    killAt?.arm(() => child.kill('SIGKILL'));
    child.on('exit', (code, signal) => done({ code, signal }));
  });
}

describe('crash at a random instant, then resume (real processes over HTTP)', () => {
  let sim: StartedSimulator;
  let hook: ((total: number) => void) | undefined;
  const dir = tmpOut();
  const rowsFile = join(dir, 'rows.json');
  const rows = buildRows();

  beforeAll(async () => {
    writeFileSync(rowsFile, JSON.stringify(rows));
    sim = await startSimulator({
      token: TOKEN,
      duplicateLocationNames: 'allow',
      people: [
        ...PEOPLE.map((email) => ({ email, displayName: email.split('@')[0]! })),
        { email: 'squatter@example.com', displayName: 'Squatter', locationName: 'Sevilla', extension: '2002' },
      ],
      numbers: PEOPLE.map((_, i) => ({ locationName: SITES[i % 3]!, phoneNumber: `+3491000${String(i).padStart(4, '0')}` })),
      onRequest: (_op, total) => hook?.(total),
    });
  });
  afterAll(() => sim.close());

  it(`every row ends exactly once and the org equals an uninterrupted run's, over ${TRIALS} SIGKILLs`, async () => {
    const reference = tmpOut();
    expect((await runDriver(rowsFile, reference, sim.baseUrl)).code).toBe(0);
    const expected = snapshot(sim);
    const requestsPerRun = sim.sim.stats().requests.total;
    expect(expected.locations).toHaveLength(3);
    const referenceResults = await readResults(reference);
    expect(referenceResults).toHaveLength(rows.length);

    let killedMidRun = 0;
    for (let trial = 0; trial < TRIALS; trial++) {
      sim.sim.reset();
      const outDir = tmpOut();
      const killAtRequest = 1 + Math.floor(Math.random() * requestsPerRun);
      const first = await runDriver(
        rowsFile,
        outDir,
        sim.baseUrl,
        killAt(killAtRequest, (h) => (hook = h)),
      );
      hook = undefined;
      if (first.signal === 'SIGKILL') killedMidRun++;
      const second = await runDriver(rowsFile, outDir, sim.baseUrl);
      expect(second.code, `trial ${trial} resume exit`).toBe(0);

      const results = await readResults(outDir);
      const ids = results.map((r) => Number(r.row_id)).sort((a, b) => a - b);
      expect(ids, `trial ${trial}: each row exactly once`).toEqual(rows.map((r) => r.rowId));
      expect(snapshot(sim), `trial ${trial}: same org as uninterrupted`).toEqual(expected);
      const stats = sim.sim.stats();
      expect(stats.state.duplicateLocationNames).toBe(0);
      expect(stats.state.duplicateLicenseAssignments).toBe(0);
      expect(stats.state.identityChanges).toBe(0);
      expect(stats.requests.invalid, JSON.stringify(stats.invalidSamples)).toBe(0);
    }
    expect(killedMidRun).toBeGreaterThanOrEqual(TRIALS - 2);
  }, 180_000);
});

describe('crash at a random instant of attempt 2 (re-running the pending rows), then resume', () => {
  const MISSING = PEOPLE.filter((_, i) => i % 3 === 1); // 8 people the directory has not synced yet
  let sim: StartedSimulator;
  let hook: ((total: number) => void) | undefined;
  const dir = tmpOut();
  const rowsFile = join(dir, 'rows.json');
  const rows = buildRows();
  const TRIALS2 = 8;
  /** Operations of the requests as they arrive, while set. */
  let ops: string[] | undefined;

  beforeAll(async () => {
    writeFileSync(rowsFile, JSON.stringify(rows));
    sim = await startSimulator({
      token: TOKEN,
      people: PEOPLE.filter((p) => !MISSING.includes(p)).map((email) => ({ email, displayName: email.split('@')[0]! })),
      numbers: PEOPLE.map((_, i) => ({ locationName: SITES[i % 3]!, phoneNumber: `+3491000${String(i).padStart(4, '0')}` })),
      onRequest: (op, total) => {
        ops?.push(op);
        hook?.(total);
      },
    });
  });
  afterAll(() => sim.close());

  /** Attempt 1 (the missing people's rows end pending), then the directory sync; returns attempt 1's lines. */
  async function attemptOne(outDir: string) {
    sim.sim.reset();
    expect((await runDriver(rowsFile, outDir, sim.baseUrl)).code).toBe(0);
    const lines = await readResults(outDir);
    expect(lines.filter((r) => r.status === 'pending')).toHaveLength(2 * MISSING.length);
    for (const email of MISSING) sim.sim.syncPerson({ email, displayName: email.split('@')[0]! });
    return lines;
  }

  it(`attempt 2 resumes as attempt 2 and the org equals an uninterrupted re-run's, over ${TRIALS2} SIGKILLs`, async () => {
    const reference = tmpOut();
    await attemptOne(reference);
    const before = sim.sim.stats().requests.total;
    ops = [];
    expect((await runDriver(rowsFile, reference, sim.baseUrl)).code).toBe(0);
    const requestsPerAttempt = sim.sim.stats().requests.total - before;
    // The run-wide org lookups come before attempt 2's checkpoint: kill after them, so (nearly) every kill lands inside the attempt.
    const lookups = ops.findIndex((op) => !['GET /locations', 'GET /telephony/config/locations', 'GET /licenses'].includes(op));
    ops = undefined;
    expect(lookups).toBeGreaterThan(0);
    const expected = snapshot(sim);
    expect((await readResults(reference)).filter((r) => r.attempt === '2' && r.status === 'success')).toHaveLength(2 * MISSING.length);

    let killedMidAttempt = 0;
    for (let trial = 0; trial < TRIALS2; trial++) {
      const outDir = tmpOut();
      const attempt1 = await attemptOne(outDir);
      const start = sim.sim.stats().requests.total;
      const killAtRequest = start + lookups + 1 + Math.floor(Math.random() * (requestsPerAttempt - lookups));
      const killed = await runDriver(
        rowsFile,
        outDir,
        sim.baseUrl,
        killAt(killAtRequest, (h) => (hook = h)),
      );
      hook = undefined;
      const checkpoint = JSON.parse(readFileSync(join(outDir, 'checkpoint.json'), 'utf8')) as {
        attempt?: number;
        attempt_finished_at?: string;
      };
      if (killed.signal === 'SIGKILL' && checkpoint.attempt === 2 && checkpoint.attempt_finished_at === undefined) killedMidAttempt++;
      expect((await runDriver(rowsFile, outDir, sim.baseUrl)).code, `trial ${trial} resume exit`).toBe(0);

      const results = await readResults(outDir);
      expect(results.slice(0, attempt1.length), `trial ${trial}: attempt 1's lines untouched`).toEqual(attempt1);
      expect(new Set(results.map((r) => r.attempt)), `trial ${trial}: no attempt 3`).toEqual(new Set(['1', '2']));
      const again = results.slice(attempt1.length);
      expect(
        again.every((r) => r.attempt === '2' && r.status === 'success'),
        `trial ${trial}`,
      ).toBe(true);
      expect(
        again.map((r) => Number(r.row_id)).sort((a, b) => a - b),
        `trial ${trial}: exactly the pending rows, once each`,
      ).toEqual(
        attempt1
          .filter((r) => r.status === 'pending')
          .map((r) => Number(r.row_id))
          .sort((a, b) => a - b),
      );
      expect(JSON.parse(readFileSync(join(outDir, 'checkpoint.json'), 'utf8'))).toMatchObject({
        attempt: 2,
        attempt_finished_at: expect.any(String),
      });
      expect(snapshot(sim), `trial ${trial}: same org as an uninterrupted re-run`).toEqual(expected);
      const stats = sim.sim.stats();
      expect(stats.state).toMatchObject({ duplicateLocationNames: 0, duplicateLicenseAssignments: 0, identityChanges: 0 });
      expect(stats.requests.invalid, JSON.stringify(stats.invalidSamples)).toBe(0);
    }
    expect(killedMidAttempt).toBeGreaterThanOrEqual(TRIALS2 - 2);
  }, 180_000);
});
