import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type StartedSimulator } from '@wbp/webex-sim';
import type { RunSummary } from '../src/run/summary.js';
import { assignmentRow, inputCsv, locationRow } from '../../../test-support/rows.js';
import { callingUserRow, spawnWbp, workspace } from './helpers.js';

const TOKEN = 'summary-e2e-token-51c2';
const SEVILLA = { location_key: 'ES-SEV-01' } as const;
const SITE = inputCsv([
  locationRow(), // line 2
  locationRow({
    location_name: 'Sevilla',
    location_external_id: 'ES-SEV-01',
    address_line1: 'Calle Sierpes 1',
    address_city: 'Sevilla',
    address_state: 'Sevilla',
    address_postal_code: '41004',
    address_country: 'Spain',
  }), // line 3: rejected (country)
  callingUserRow('u0@example.com'), // line 4
  callingUserRow('ghost@example.com'), // line 5: not in the directory
  callingUserRow('u1@example.com', SEVILLA), // line 6: waits for Sevilla
  assignmentRow({ email: 'u0@example.com', extension: '4000' }), // line 7
  assignmentRow({ email: 'u1@example.com', extension: '4001', ...SEVILLA }), // line 8: waits for Sevilla
]);

describe('the run summary (child process ↔ wbp-sim over HTTP)', () => {
  let sim: StartedSimulator;
  const env = () => ({ ENVIRONMENT: 'lab', WEBEX_BASE_URL: sim.baseUrl, WEBEX_TOKEN: TOKEN });
  beforeAll(async () => {
    sim = await startSimulator({ token: TOKEN, people: ['u0', 'u1'].map((u) => ({ email: `${u}@example.com` })) });
  });
  afterAll(() => sim.close());

  it('groups pending rows under the failed location row they wait for, counts created / changed / already right, and says how long it took', async () => {
    const dir = await workspace({ 'site.csv': SITE });
    const first = await spawnWbp(dir, ['run', 'site.csv', '--out', 'out'], env());
    expect(first.code).toBe(10);
    const s = JSON.parse(readFileSync(join(dir, 'out', 'summary.json'), 'utf8')) as RunSummary;
    expect(s.effects).toEqual({
      location: { created: 1, changed: 0, unchanged: 0 },
      user: { created: 0, changed: 1, unchanged: 0 },
      // phase 2 gave u0 its line with Calling: the assignment row finds it already right
      extension_assignment: { created: 0, changed: 0, unchanged: 1 },
    });
    expect(s.pendingCauses.byLocation).toEqual([
      expect.objectContaining({
        locationRowId: 2,
        locationLine: 3,
        locationKey: 'ES-SEV-01',
        state: 'rejected',
        reasonCode: 'invalid_input_schema',
        count: 2,
      }),
    ]);
    expect(s.pendingCauses.byLocation[0]!.rows.map((r) => [r.rowId, r.line, r.entityType])).toEqual([
      [5, 6, 'user'],
      [7, 8, 'extension_assignment'],
    ]);
    expect(s.pendingCauses.byReason.map((g) => [g.reasonCode, g.count, g.rows.map((r) => [r.rowId, r.line])])).toEqual([
      ['user_not_found', 1, [[4, 5]]],
    ]);
    expect(s.elapsed.rowsFinished).toBe(6);
    expect(s.elapsed.seconds).toBeGreaterThan(0);
    const md = readFileSync(join(dir, 'out', 'summary.md'), 'utf8');
    expect(md).toContain('**2 row(s) wait for location ES-SEV-01** (row 2, line 3), which was rejected (`invalid_input_schema`:');
    expect(md).toContain('| location | 1 | 0 | 0 |');
    expect(md).toMatch(/Elapsed [\d.]+ s: this invocation finished 6 row\(s\), [\d.]+ rows\/s\./);

    // The same CSV into a fresh folder: everything the first run did is already right.
    const second = await spawnWbp(dir, ['run', 'site.csv', '--out', 'out2'], env());
    expect(second.code).toBe(10);
    const again = JSON.parse(readFileSync(join(dir, 'out2', 'summary.json'), 'utf8')) as RunSummary;
    expect(again.effects).toEqual({
      location: { created: 0, changed: 0, unchanged: 1 },
      user: { created: 0, changed: 0, unchanged: 1 },
      extension_assignment: { created: 0, changed: 0, unchanged: 1 },
    });
  }, 60_000);
});
