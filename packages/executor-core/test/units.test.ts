import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { batches } from '../src/batches.js';
import { BatchTally } from '../src/breaker.js';
import { runKeyedPool } from '../src/keyed-pool.js';
import { assertIdentityUnchanged, lineChangeBody, locationPayload, userSettingChanges } from '../src/index.js';
import { site, user } from './fixtures.js';

describe('batches', () => {
  it('cuts deterministic batch ids over a stream', async () => {
    const rows = Array.from({ length: 11 }, (_, i) => site(`S${i}`));
    const out = [];
    for await (const b of batches((async function* () { yield* rows; })(), 1, 5)) out.push([b.id, b.rows.length]);
    expect(out).toEqual([['phase1-batch-0001', 5], ['phase1-batch-0002', 5], ['phase1-batch-0003', 1]]);
  });
});

describe('runKeyedPool', () => {
  it('never runs two tasks with one key at once and respects the limit', async () => {
    let inFlight = 0;
    let peak = 0;
    const active = new Set<string>();
    const items = ['a', 'a', 'b', 'c', 'a', 'd', 'e', 'b'];
    await runKeyedPool(items, {
      limit: () => 3,
      keyOf: (k) => k,
      shouldStop: () => false,
      run: async (k) => {
        expect(active.has(k)).toBe(false);
        active.add(k);
        peak = Math.max(peak, ++inFlight);
        await Promise.resolve();
        await new Promise((r) => setImmediate(r));
        active.delete(k);
        inFlight--;
      },
    });
    expect(peak).toBeLessThanOrEqual(3);
  });
  it('stops starting tasks when told to', async () => {
    let ran = 0;
    const { started } = await runKeyedPool([1, 2, 3, 4, 5], { limit: () => 1, keyOf: String, shouldStop: () => ran >= 2, run: async () => void ran++ });
    expect(started).toBe(2);
  });
});

describe('BatchTally', () => {
  it('trips at the threshold counting the cause behind half_applied', () => {
    const t = new BatchTally();
    t.add({ status: 'pending', step: 's', reasonCode: 'auth_invalid', message: '' });
    t.add({ status: 'pending', step: 's', reasonCode: 'half_applied', cause: 'permission_denied', message: '' });
    t.add({ status: 'pending', step: 's', reasonCode: 'non_retryable_external', message: '' });
    t.add({ status: 'pending', step: 's', reasonCode: 'user_not_found', message: '' });
    expect(t.trips(0.8)).toBe(false);
    expect(t.trips(0.75)).toBe(true);
  });
});

describe('payload builders', () => {
  it('builds the location body without inventing fields', () => {
    const body = locationPayload(site('Madrid HQ'));
    expect(body).toEqual({
      name: 'Madrid HQ',
      timeZone: 'Europe/Madrid',
      preferredLanguage: 'es_es',
      announcementLanguage: 'es_es',
      address: { address1: 'Calle Mayor 1', city: 'Madrid', state: 'Madrid', postalCode: '28013', country: 'ES' },
    });
  });
  it('maps calling_settings_* columns to one change each', () => {
    const changes = userSettingChanges(user('a@x.com', 'L', { calling_settings_call_waiting: 'true', calling_settings_forward_always: '+34910000009', calling_settings_caller_id: 'LOCATION_NUMBER' }));
    expect(changes.map((c) => [c.setting, c.build({})])).toEqual([
      ['callWaiting', { enabled: true }],
      ['callForwarding', { callForwarding: { always: { enabled: true, destination: '+34910000009' } } }],
      ['callerId', { selected: 'LOCATION_NUMBER' }],
    ]);
  });
  it('changes only the line in the People PUT body, and the guard catches an identity change', () => {
    const read = { id: 'P', displayName: 'Ana', firstName: 'Ana', emails: ['a@x.com'], licenses: ['L'], locationId: 'LOC', extension: '1001', phoneNumbers: [{ type: 'mobile' as const, value: '+34600000000' }, { type: 'work_extension' as const, value: '80011001' }] };
    const body = lineChangeBody(read, { extension: '1002', workNumber: '+34910000001' });
    expect(body).toEqual({ displayName: 'Ana', firstName: 'Ana', emails: ['a@x.com'], licenses: ['L'], locationId: 'LOC', extension: '1002', phoneNumbers: [{ type: 'work', value: '+34910000001' }] });
    expect(() => assertIdentityUnchanged(read, body)).not.toThrow();
    expect(() => assertIdentityUnchanged(read, { ...body, displayName: 'Other' })).toThrow(/identity field "displayName"/);
  });
});

describe('scope', () => {
  it('no step creates people or changes identity: no people.create, no POST /people, no identity PUT path', () => {
    const src = resolve(dirname(fileURLToPath(import.meta.url)), '../src');
    const files = (function walk(dir: string): string[] {
      return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
    })(src).filter((f) => f.endsWith('.ts'));
    const text = files.map((f) => readFileSync(f, 'utf8')).join('\n');
    expect(text).not.toMatch(/user_create|user_update_identity|people\.create|POST\s*\(\s*['"]\/people['"]/);
    // The only People PUT is the line change, guarded by assertIdentityUnchanged right before it.
    const puts = text.match(/people\.update\(/g) ?? [];
    expect(puts).toHaveLength(1);
    expect(text).toMatch(/assertIdentityUnchanged\(read, body\);\s*\n\s*await env\.port\.people\.update\(/);
  });
});
