import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCsvRecords, RESULTS_COLUMNS } from '@wbp/files';
import { startSimulator, type StartedSimulator } from '@wbp/webex-sim';
import { workspace } from './helpers.js';

const bin = join(import.meta.dirname, '..', 'bin', 'wbp.mjs');
const TOKEN = 'real-org-token-5b1e';
const HEADER =
  'entity_type,location_key,location_name,location_external_id,time_zone,preferred_language,announcement_language,address_line1,address_city,address_state,address_postal_code,address_country,email,calling_enabled,extension,phone_number';
/** New Calling users (enabled in phase 2) and users who already have Calling and get a new extension (phase 3, People PUT). */
const NEW = 12;
const MOVED = 4;
/** Longer than the client's 5 s patience for a create: the gateway's 504 comes at once, the change lands this much later. */
const LATE_MS = 6_000;

function siteCsv(): string {
  const lines = [HEADER];
  for (const site of ['Madrid HQ', 'Sevilla'])
    lines.push(`location,,${site},${site.slice(0, 3).toUpperCase()},Europe/Madrid,es_es,es_es,Calle Mayor 1,${site},Madrid,28013,ES,,,,`);
  for (let i = 0; i < NEW; i++) lines.push(`user,MAD,,,,,,,,,,,new${i}@example.com,true,,`);
  for (let i = 0; i < NEW; i++)
    lines.push(`extension_assignment,MAD,,,,,,,,,,,new${i}@example.com,,${3000 + i},${i < 3 ? `+3491000000${i}` : ''}`);
  for (let i = 0; i < MOVED; i++) lines.push(`extension_assignment,MAD,,,,,,,,,,,old${i}@example.com,,${6000 + i},`);
  return `${lines.join('\n')}\n`;
}

function wbpRun(cwd: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [bin, 'run', 'site.csv', '--out', 'out', '--progress', 'off'], {
      cwd,
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => done({ code, stderr }));
  });
}

describe('an org shaped like real ones (wbp run ↔ wbp-sim over HTTP)', () => {
  let sim: StartedSimulator;

  beforeAll(async () => {
    sim = await startSimulator({
      token: TOKEN,
      seed: 11,
      people: [
        ...Array.from({ length: NEW }, (_, i) => ({ email: `new${i}@example.com`, displayName: `New ${i}` })),
        ...Array.from({ length: MOVED }, (_, i) => ({
          email: `old${i}@example.com`,
          displayName: `Old ${i}`,
          locationName: 'Madrid HQ',
          extension: `500${i}`,
        })),
      ],
      numbers: [0, 1, 2].map((i) => ({ locationName: 'Madrid HQ', phoneNumber: `+3491000000${i}` })),
      // Two subscriptions: the first has two free units left, the second plenty.
      callingLicenses: [MOVED + 2, 500],
      // Every person has a directory mobile number that a People PUT without it would delete.
      mobileForAll: true,
      // Half the creates, Calling enables and licence assignments: 504 at once, applied LATE_MS later.
      lateApplyRate: 0.5,
      lateApplyMs: LATE_MS,
      // Let duplicates through so the referee can count them (Webex's own rule is not documented).
      duplicateLocationNames: 'allow',
    });
  });
  afterAll(() => sim.close());

  it('every row succeeds: no duplicate create, no identity change, no licence entry over its units, no invalid request', async () => {
    const dir = await workspace({ 'site.csv': siteCsv() });
    const run = await wbpRun(dir, {
      ENVIRONMENT: 'lab',
      WEBEX_BASE_URL: sim.baseUrl,
      WEBEX_TOKEN: TOKEN,
      BATCH_SIZE: '10',
      CONCURRENCY: '4',
      UNKNOWN_OUTCOME_SETTLE_SECONDS: '20',
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);

    const results: { status: string }[] = [];
    for await (const r of readCsvRecords(join(dir, 'out', 'results.csv'), RESULTS_COLUMNS)) results.push(r);
    expect(results).toHaveLength(2 + 2 * NEW + MOVED);
    expect(results.every((r) => r.status === 'success')).toBe(true);

    const stats = sim.sim.stats();
    expect(stats.requests.byStatus['504'] ?? 0, 'late apply happened').toBeGreaterThan(0);
    expect(stats.requests.invalid).toBe(0);
    expect(stats.state).toMatchObject({
      locations: 2,
      callingLocations: 2,
      callingUsers: NEW + MOVED,
      duplicateLocationNames: 0,
      duplicateLicenseAssignments: 0,
      identityChanges: 0,
      licenceOverUse: 0,
    });

    const people = [...sim.sim.org.people.values()];
    for (let i = 0; i < MOVED; i++) {
      const p = people.find((x) => x.email === `old${i}@example.com`)!;
      expect(p.calling?.extension).toBe(`600${i}`);
      expect(p.mobile, 'the directory mobile survived the People PUT').toBeTruthy();
    }
    // The licence units came from both entries: the first filled, the rest spilled to the second.
    const log = readFileSync(join(dir, 'out', 'run.log'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { event?: string; candidates?: { free_units: number }[] });
    expect(log.find((l) => l.event === 'calling_licences')?.candidates?.map((c) => c.free_units)).toEqual([2, 500]);
    const licences = (await (await fetch(`${sim.baseUrl}/licenses`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as {
      items: { name: string; totalUnits: number; consumedUnits: number }[];
    };
    const calling = licences.items.filter((l) => l.name === 'Webex Calling - Professional');
    expect(calling.map((l) => [l.consumedUnits, l.totalUnits])).toEqual([
      [MOVED + 2, MOVED + 2],
      [NEW - 2, 500],
    ]);
  }, 150_000);
});
