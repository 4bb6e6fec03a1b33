import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCsvRecords, RESULTS_COLUMNS } from '@wbp/files';
import { startSimulator, type StartedSimulator } from '@wbp/webex-sim';
import { spawnWbp, workspace } from './helpers.js';

const TOKEN = 'e2e-settings-token-5d1e';
const N = 6;

const HEADER =
  'entity_type,location_key,location_name,location_external_id,time_zone,preferred_language,announcement_language,address_line1,address_city,address_state,address_postal_code,address_country,email,calling_enabled,calling_settings_call_waiting,calling_settings_do_not_disturb,calling_settings_voicemail,calling_settings_forward_always,calling_settings_caller_id,extension,phone_number,caller_id_selected';

/** Every user asks for the settings, every assignment row for a caller ID: values varied per user. */
function siteCsv(): string {
  const lines = [HEADER, 'location,,Madrid HQ,ES-MAD-01,Europe/Madrid,es_es,es_es,Calle Mayor 1,Madrid,Madrid,28013,ES,,,,,,,,,,'];
  for (let i = 0; i < N; i++) {
    const flag = (k: number) => ((i + k) % 2 ? 'true' : 'false');
    const forward = i % 2 ? `${5000 + i}` : `+34 910 000 1${i}0`;
    // The caller ID on the user row only where the assignment row agrees (where both ask one, the
    // assignment row's is the final setting and the user row's is left to it).
    lines.push(
      `user,ES-MAD-01,,,,,,,,,,,s${i}@example.com,true,${flag(0)},${flag(1)},${flag(0)},${forward},${i < 2 ? '' : 'location_number'},,,`,
    );
  }
  for (let i = 0; i < N; i++) {
    lines.push(
      `extension_assignment,ES-MAD-01,,,,,,,,,,,s${i}@example.com,,,,,,,${4000 + i},${i < 2 ? `+3491000000${i}` : ''},${i < 2 ? 'direct_line' : 'location_number'}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

async function results(dir: string) {
  const out: Record<(typeof RESULTS_COLUMNS)[number], string>[] = [];
  if (existsSync(join(dir, 'results.csv'))) for await (const r of readCsvRecords(join(dir, 'results.csv'), RESULTS_COLUMNS)) out.push(r);
  return out;
}

describe('settings only when they differ (wbp run ↔ wbp-sim over HTTP)', () => {
  let sim: StartedSimulator;
  const env = () => ({ ENVIRONMENT: 'lab', WEBEX_BASE_URL: sim.baseUrl, WEBEX_TOKEN: TOKEN, BATCH_SIZE: '10', CONCURRENCY: '4' });
  /** The referee's request counts, read as an operator would: GET /_sim/stats. */
  const settingsPuts = async () => {
    const stats = (await (await fetch(new URL('/_sim/stats', sim.baseUrl))).json()) as {
      requests: { byOperation: Record<string, number>; invalid: number };
    };
    const puts = Object.entries(stats.requests.byOperation).filter(([op]) => op.startsWith('PUT /people/{personId}/features/'));
    return { puts: Object.fromEntries(puts), total: puts.reduce((n, [, c]) => n + c, 0), invalid: stats.requests.invalid };
  };

  beforeAll(async () => {
    sim = await startSimulator({
      token: TOKEN,
      people: Array.from({ length: N }, (_, i) => ({ email: `s${i}@example.com`, displayName: `Settings User ${i}` })),
      numbers: [0, 1].map((i) => ({ locationName: 'Madrid HQ', phoneNumber: `+3491000000${i}` })),
    });
  });
  afterAll(() => sim.close());

  it('the same CSV into a new --out folder sends no settings PUT, and its results say the settings were already right', async () => {
    const dir = await workspace({ 'site.csv': siteCsv() });
    const first = await spawnWbp(dir, ['run', 'site.csv', '--out', 'out1'], env());
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const afterFirst = await settingsPuts();
    // Calling enabled by this run: every asked-for setting PUT (4 per user); the caller ID once per
    // person, from the assignment row (the final setting: a user row's caller ID is left to it).
    expect(afterFirst.puts).toEqual({
      'PUT /people/{personId}/features/callWaiting': N,
      'PUT /people/{personId}/features/doNotDisturb': N,
      'PUT /people/{personId}/features/voicemail': N,
      'PUT /people/{personId}/features/callForwarding': N,
      'PUT /people/{personId}/features/callerId': N,
    });
    const firstUsers = (await results(join(dir, 'out1'))).filter((r) => r.entity_type === 'user');
    expect(firstUsers.map((r) => r.status)).toEqual(Array(N).fill('success'));
    for (const r of firstUsers)
      expect(r.message).toMatch(/^Calling enabled; settings set: callWaiting \(enabled: (true|false)\), doNotDisturb/);

    const second = await spawnWbp(dir, ['run', 'site.csv', '--out', 'out2'], env());
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    const afterSecond = await settingsPuts();
    expect(afterSecond.total - afterFirst.total).toBe(0);
    expect(afterSecond.invalid).toBe(0);
    const again = await results(join(dir, 'out2'));
    expect(again.filter((r) => r.status === 'success')).toHaveLength(1 + 2 * N);
    for (const r of again.filter((x) => x.entity_type === 'user')) {
      // A user row's caller ID is left to the person's assignment row (the final setting).
      const leftToAssignment =
        r.entity_key === 's0@example.com' || r.entity_key === 's1@example.com'
          ? ''
          : /; callerId left to the extension_assignment row \d+ \(LOCATION_NUMBER\)$/.source;
      expect(r.message).toMatch(
        new RegExp(`^Calling already enabled; already right: callWaiting, doNotDisturb, voicemail, callForwarding${leftToAssignment}$`),
      );
    }
    for (const r of again.filter((x) => x.entity_type === 'extension_assignment')) {
      expect(r.message).toBe('extension/number already assigned; already right: callerId');
    }
  }, 90_000);
});
