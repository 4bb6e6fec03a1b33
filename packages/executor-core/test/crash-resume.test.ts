import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
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
  PEOPLE.forEach((email, i) =>
    rows.push(user(email, SITES[i % 3]!, i % 2 === 0 ? { calling_settings_call_waiting: 'false', calling_settings_do_not_disturb: 'true' } : {})),
  );
  PEOPLE.forEach((email, i) =>
    rows.push(assignment(email, SITES[i % 3]!, { extension: String(2000 + i), ...(i % 4 === 0 ? { phone_number: `+3491000${String(i).padStart(4, '0')}`, caller_id_selected: 'DIRECT_LINE' } : {}) })),
  );
  return rows;
}

/** The org as names and lines, independent of ids and creation order. */
function snapshot(sim: StartedSimulator) {
  const org = sim.sim.org;
  const siteName = (id: string) => org.locations.get(id)?.name;
  return {
    locations: [...org.locations.values()].map((l) => `${l.name}|${l.timeZone}|${org.callingLocations.has(l.id)}`).sort(),
    people: [...org.people.values()]
      .map((p) => `${p.email}|${p.displayName}|${p.calling ? `${siteName(p.calling.locationId)}|${p.calling.extension}|${p.calling.workNumber}` : '-'}|${JSON.stringify(p.settings?.callWaiting)}|${JSON.stringify(p.settings?.doNotDisturb)}|${JSON.stringify(p.settings?.callerId)}`)
      .sort(),
  };
}

function runDriver(rowsFile: string, outDir: string, baseUrl: string, killAt?: { arm: (kill: () => void) => void }): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--conditions=@wbp/source', '--import', 'tsx', driver, rowsFile, outDir, baseUrl, TOKEN], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
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
      people: [...PEOPLE.map((email) => ({ email, displayName: email.split('@')[0]! })), { email: 'squatter@example.com', displayName: 'Squatter', locationName: 'Sevilla', extension: '2002' }],
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
      const first = await runDriver(rowsFile, outDir, sim.baseUrl, {
        arm: (kill) => {
          hook = (total) => {
            if (total >= killAtRequest) {
              hook = undefined;
              kill();
            }
          };
        },
      });
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
