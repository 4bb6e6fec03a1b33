import { describe, expect, it } from 'vitest';
import type { Location, Person } from '@wbp/webex-client';
import { LineInventory, PLANNED_LOCATION_PREFIX } from '../src/line-inventory.js';
import { PlanReader, plannedRow } from '../src/plan.js';
import type { ReadPort } from '../src/port.js';
import { readOnly } from '../src/port.js';
import { planningApplyPoint, sendingApplyPoint } from '../src/steps/apply-point.js';
import { locationDifferences, locationMatches, locationPayload } from '../src/steps/location.js';
import { StepTrail } from '../src/trail.js';
import { site } from './fixtures.js';

const remote = (over: Partial<Location> = {}): Location => {
  const want = locationPayload(site('Madrid HQ'));
  return {
    id: 'L1',
    name: want.name,
    timeZone: want.timeZone,
    preferredLanguage: want.preferredLanguage,
    address: { ...want.address },
    ...over,
  };
};

describe('decide: location', () => {
  it('locationDifferences names each differing field as `field: old → new`; none when the row matches', () => {
    const want = locationPayload(site('Madrid HQ'));
    expect(locationDifferences(remote(), want)).toEqual([]);
    expect(locationMatches(remote(), want)).toBe(true);
    const moved = remote({ timeZone: 'Europe/Lisbon', address: { ...remote().address!, city: 'Lisboa' } });
    expect(locationDifferences(moved, want)).toEqual([
      `timeZone: Europe/Lisbon → ${want.timeZone}`,
      `address.city: Lisboa → ${want.address.city}`,
    ]);
    expect(locationMatches(moved, want)).toBe(false);
  });
});

describe('decide: the plan line of a row', () => {
  const row = site('Madrid HQ');
  it('pending → action none with the run reason and message', () => {
    expect(
      plannedRow(row, { status: 'pending', step: 's', reasonCode: 'user_not_found', message: 'x is not in the directory' }, []),
    ).toMatchObject({
      expectedStatus: 'pending',
      reasonCode: 'user_not_found',
      action: 'none',
      detail: 'x is not in the directory',
    });
  });
  it('success without actions → no_change; with actions → the first action, every detail', () => {
    expect(plannedRow(row, { status: 'success', step: 's', message: 'already' }, [])).toMatchObject({
      expectedStatus: 'success',
      reasonCode: '',
      action: 'no_change',
    });
    const p = plannedRow(row, { status: 'success', step: 's', message: '' }, [
      { action: 'create', detail: 'location: (none) → "Madrid HQ"' },
      { action: 'enable_calling', detail: 'calling: disabled → enabled' },
    ]);
    expect(p.action).toBe('create');
    expect(p.detail).toBe('create: location: (none) → "Madrid HQ"; enable_calling: calling: disabled → enabled');
  });
});

describe('apply point', () => {
  it('a plan records the action and returns the projection without calling send', async () => {
    const trail = new StepTrail();
    const projected: string[] = [];
    const point = planningApplyPoint({ person: (id) => projected.push(id), setting: () => undefined });
    let sent = 0;
    const value = await point.apply(
      trail,
      'assign_licence',
      'calling: none → Pro',
      async () => {
        sent++;
        return 'sent';
      },
      (p) => {
        p.person('P1', () => ({ id: 'P1' }));
        return 'projected';
      },
    );
    expect(value).toBe('projected');
    expect(sent).toBe(0);
    expect(projected).toEqual(['P1']);
    expect(trail.decided).toEqual([{ action: 'assign_licence', detail: 'calling: none → Pro' }]);
    await expect(point.undo(async () => undefined)).rejects.toThrow(/never undoes/);
  });
  it('a run sends through its port and records the same action', async () => {
    const trail = new StepTrail();
    const port = { tag: 'write' } as never;
    const value = await sendingApplyPoint(port).apply<unknown>(
      trail,
      'update',
      'timeZone: a → b',
      async (p) => p,
      () => 'no',
    );
    expect(value).toBe(port);
    expect(trail.decided).toEqual([{ action: 'update', detail: 'timeZone: a → b' }]);
  });
});

describe('the plan reader', () => {
  const person: Person = { id: 'P1', emails: ['a@x.com'], licenses: [] };
  function counting() {
    const calls: string[] = [];
    const base = {
      people: {
        findByEmail: async (email: string) => {
          calls.push(`find ${email}`);
          return email === 'a@x.com' ? person : undefined;
        },
        get: async (id: string) => {
          calls.push(`get ${id}`);
          return person;
        },
        update: async () => calls.push('PUT'),
      },
      licenses: { list: async () => [] },
      locations: { list: async () => [] },
      callingLocations: { list: async () => [], get: async () => ({}) },
      numbers: {
        list: async () => {
          calls.push('numbers');
          return [];
        },
      },
      settings: {
        get: async (_id: string, s: string) => {
          calls.push(`setting ${s}`);
          return { enabled: false };
        },
      },
    };
    return { base, calls };
  }

  it('readOnly keeps only the read methods: nothing mutating is reachable', () => {
    const { base } = counting();
    const port = readOnly(base as unknown as ReadPort) as unknown as Record<string, Record<string, unknown>>;
    expect(Object.keys(port.people!)).toEqual(['findByEmail', 'get']);
    expect(JSON.stringify(Object.fromEntries(Object.entries(port).map(([k, v]) => [k, Object.keys(v)])))).not.toMatch(
      /update|assign|create|delete|enable/,
    );
  });

  it('looks each person and each setting up once, then answers with what earlier actions would have changed', async () => {
    const { base, calls } = counting();
    const reader = new PlanReader(readOnly(base as unknown as ReadPort));
    await Promise.all([reader.port.people.findByEmail('a@x.com'), reader.port.people.findByEmail('A@x.com ')]);
    expect(await reader.port.people.get('P1')).toBe(person);
    expect(calls).toEqual(['find a@x.com']);
    reader.person('P1', (cur) => ({ ...(cur ?? person), extension: '1001' }));
    expect((await reader.port.people.findByEmail('a@x.com'))?.extension).toBe('1001');
    expect(await reader.port.settings.get('P1', 'callWaiting')).toEqual({ enabled: false });
    expect(await reader.port.settings.get('P1', 'callWaiting')).toEqual({ enabled: false });
    reader.setting('P1', 'callWaiting', { enabled: true });
    expect(await reader.port.settings.get('P1', 'callWaiting')).toEqual({ enabled: true });
    expect(calls).toEqual(['find a@x.com', 'setting callWaiting']);
  });

  it('a location the plan would create: nothing is listed, a number cannot be refused, an extension claimed by an earlier row still is', async () => {
    const { base, calls } = counting();
    const lines = new LineInventory(readOnly(base as unknown as ReadPort));
    const planned = `${PLANNED_LOCATION_PREFIX}madrid hq`;
    await lines.claim('P1', planned, 'Madrid HQ', { extension: '1001', phoneNumber: '+34910000001' });
    await expect(lines.claim('P2', planned, 'Madrid HQ', { extension: '1001' })).rejects.toThrow(/already assigned/);
    expect(calls).toEqual([]);
    await expect(lines.claim('P3', 'L1', 'Bilbao', { phoneNumber: '+34910000002' })).rejects.toThrow(/not in the number inventory/);
    expect(calls).toEqual(['numbers']);
  });
});
