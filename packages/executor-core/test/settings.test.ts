import { describe, expect, it } from 'vitest';
import type { PersonSetting } from '@wbp/webex-client';
import { applySettings, describeSettings } from '../src/steps/apply-settings.js';
import type { StepEnv } from '../src/steps/env.js';
import { sendingApplyPoint } from '../src/steps/apply-point.js';
import type { WebexPort } from '../src/port.js';
import {
  callerIdChange,
  compareCallerId,
  compareCallWaiting,
  compareDoNotDisturb,
  compareForwardAlways,
  compareVoicemail,
  sameDestination,
  userSettingChanges,
  type SettingValue,
} from '../src/steps/settings-registry.js';
import { StepTrail } from '../src/trail.js';
import { assignment, run, site, useInProcessSim, user } from './fixtures.js';
import { readResults } from './outputs-read.js';

describe('compare: does the value Webex holds already match the row (pure)', () => {
  it('on/off settings: same value → no change; different → `enabled: old → new`; fields the CSV does not control are ignored', () => {
    expect(compareCallWaiting({ enabled: true }, true)).toMatchObject({ setting: 'callWaiting', differs: false, change: '' });
    expect(compareCallWaiting({ enabled: true }, false)).toMatchObject({ differs: true, change: 'enabled: true → false' });
    // ring splash and the Webex Go override are not in the CSV: they never make DND differ
    expect(compareDoNotDisturb({ enabled: false, ringSplashEnabled: true, webexGoOverrideEnabled: true }, false).differs).toBe(false);
    expect(compareDoNotDisturb({ enabled: false, ringSplashEnabled: true }, true).change).toBe('enabled: false → true');
    const voicemail = {
      enabled: true,
      sendAllCalls: { enabled: true },
      notifications: { enabled: true, destination: 'a@x.com' },
      transferToNumber: { enabled: false },
    };
    expect(compareVoicemail(voicemail, true).differs).toBe(false);
    expect(compareVoicemail(voicemail, false)).toMatchObject({
      differs: true,
      change: 'enabled: true → false',
      fields: [{ field: 'enabled', current: true, wanted: false, same: false }],
    });
    // a field Webex leaves out reads as not set, never as the wish
    expect(compareCallWaiting({}, true)).toMatchObject({ differs: true, change: 'enabled: (none) → true' });
  });

  it('forward always: compares always.enabled and always.destination only', () => {
    const read = (always: SettingValue): SettingValue => ({
      callForwarding: { always, busy: { enabled: true, destination: '+34910000555' }, noAnswer: { enabled: false, numberOfRings: 3 } },
      businessContinuity: { enabled: false },
    });
    expect(compareForwardAlways(read({ enabled: true, destination: '1001', ringReminderEnabled: true }), '1001').differs).toBe(false);
    expect(
      compareForwardAlways(read({ enabled: false, ringReminderEnabled: false, destinationVoicemailEnabled: false }), '+34910000009'),
    ).toMatchObject({
      differs: true,
      change: 'always.enabled: false → true, always.destination: (none) → +34910000009',
    });
    expect(compareForwardAlways(read({ enabled: true, destination: '1001' }), '1002').change).toBe('always.destination: 1001 → 1002');
    expect(compareForwardAlways(read({ enabled: false, destination: '1001' }), '1001').change).toBe('always.enabled: false → true');
    expect(compareForwardAlways({}, '1001').differs).toBe(true);
  });

  it('forward destinations: the formats Webex returns match the normalised CSV value, an extension never matches a number', () => {
    expect(sameDestination('+12225551212', '+12225551212')).toBe(true);
    expect(sameDestination('2225551212', '+12225551212')).toBe(true); // national, as in the spec's examples
    expect(sameDestination('+1 (222) 555-1212', '+12225551212')).toBe(true);
    expect(sameDestination('910000009', '+34910000009')).toBe(true);
    expect(sameDestination('02071234567', '+442071234567')).toBe(true); // with a trunk 0
    expect(sameDestination('1001', '1001')).toBe(true);
    expect(sameDestination('1001', '+34910001001')).toBe(false);
    expect(sameDestination('+34910001001', '1001')).toBe(false);
    expect(sameDestination('+34910000008', '+34910000009')).toBe(false);
    expect(sameDestination('+33910000009', '+34910000009')).toBe(false);
    expect(sameDestination('10000009', '+34910000009')).toBe(false); // not the whole national number
    expect(sameDestination(undefined, '1001')).toBe(false);
  });

  it('caller ID: compares `selected` only', () => {
    const read = {
      types: ['DIRECT_LINE', 'LOCATION_NUMBER', 'CUSTOM'],
      selected: 'DIRECT_LINE',
      directNumber: '+34910000001',
      externalCallerIdNamePolicy: 'OTHER',
      customExternalCallerIdName: 'Ana',
    };
    expect(compareCallerId(read, 'DIRECT_LINE').differs).toBe(false);
    expect(compareCallerId(read, 'LOCATION_NUMBER').change).toBe('selected: DIRECT_LINE → LOCATION_NUMBER');
  });

  it('each change of a row compares with its own wish and describes it for a person just enabled', () => {
    const changes = userSettingChanges(
      user('a@x.com', 'L', { calling_settings_voicemail: 'false', calling_settings_forward_always: '1001' }),
    );
    expect(changes.map((c) => [c.setting, c.wish, c.compare({ enabled: false }).differs])).toEqual([
      ['voicemail', 'enabled: false', false],
      ['callForwarding', 'always.enabled: true, always.destination: 1001', true],
    ]);
  });
});

/** A scripted settings port: GET answers from `held`, every call is recorded. */
function scriptedEnv(held: Partial<Record<PersonSetting, SettingValue>>) {
  const calls: { method: 'GET' | 'PUT'; setting: PersonSetting; body?: unknown }[] = [];
  const settings = {
    get: async (_personId: string, setting: PersonSetting) => {
      calls.push({ method: 'GET', setting });
      return held[setting] ?? {};
    },
    update: async (_personId: string, setting: PersonSetting, body: unknown) => {
      calls.push({ method: 'PUT', setting, body });
    },
  };
  return { env: { port: { settings }, apply: sendingApplyPoint({ settings } as unknown as WebexPort) } as unknown as StepEnv, calls };
}

describe('applySettings: read, compare, write only what differs', () => {
  const row = user('a@x.com', 'L', {
    calling_settings_call_waiting: 'true',
    calling_settings_do_not_disturb: 'false',
    calling_settings_voicemail: 'true',
    calling_settings_forward_always: '+34910000009',
    calling_settings_caller_id: 'LOCATION_NUMBER',
  });
  const matching: Partial<Record<PersonSetting, SettingValue>> = {
    callWaiting: { enabled: true },
    doNotDisturb: { enabled: false, ringSplashEnabled: true, webexGoOverrideEnabled: true },
    voicemail: {
      enabled: true,
      notifications: { enabled: true, destination: 'a@x.com' },
      transferToNumber: { enabled: true, destination: '+34910000100' },
    },
    callForwarding: {
      callForwarding: {
        always: { enabled: true, destination: '910000009', ringReminderEnabled: true, destinationVoicemailEnabled: false },
      },
    },
    callerId: { selected: 'LOCATION_NUMBER', types: ['DIRECT_LINE', 'LOCATION_NUMBER'] },
  };

  it('a person who already had Calling and whose settings match: one GET each, no PUT, nothing marked as applied', async () => {
    const { env, calls } = scriptedEnv(matching);
    const trail = new StepTrail();
    const report = await applySettings(env, 'P', userSettingChanges(row), false, trail);
    expect(calls.map((c) => `${c.method} ${c.setting}`)).toEqual([
      'GET callWaiting',
      'GET doNotDisturb',
      'GET voicemail',
      'GET callForwarding',
      'GET callerId',
    ]);
    expect(trail.applied).toEqual([]);
    expect(describeSettings(report)).toBe('already right: callWaiting, doNotDisturb, voicemail, callForwarding, callerId');
  });

  it('one setting differs: exactly one PUT, for it, its other fields copied from what was read', async () => {
    const { env, calls } = scriptedEnv({
      ...matching,
      doNotDisturb: { enabled: true, ringSplashEnabled: true, webexGoOverrideEnabled: false },
    });
    const trail = new StepTrail();
    const report = await applySettings(env, 'P', userSettingChanges(row), false, trail);
    expect(calls.filter((c) => c.method === 'PUT')).toEqual([
      { method: 'PUT', setting: 'doNotDisturb', body: { enabled: false, ringSplashEnabled: true, webexGoOverrideEnabled: false } },
    ]);
    expect(trail.applied).toEqual(['doNotDisturb (calling_settings_do_not_disturb)']);
    expect(describeSettings(report)).toBe(
      'settings changed: doNotDisturb (enabled: true → false); already right: callWaiting, voicemail, callForwarding, callerId',
    );
  });

  it('voicemail and forward always bodies keep what the CSV does not control, from the value just read', async () => {
    const { env, calls } = scriptedEnv({
      ...matching,
      voicemail: { ...matching.voicemail, enabled: false },
      callForwarding: {
        callForwarding: {
          always: { enabled: false, ringReminderEnabled: true, destinationVoicemailEnabled: true },
          busy: { enabled: true, destination: '1002' },
        },
      },
    });
    await applySettings(env, 'P', userSettingChanges(row), false, new StepTrail());
    expect(calls.filter((c) => c.method === 'PUT').map((c) => [c.setting, c.body])).toEqual([
      [
        'voicemail',
        {
          enabled: true,
          notifications: { enabled: true, destination: 'a@x.com' },
          transferToNumber: { enabled: true, destination: '+34910000100' },
        },
      ],
      [
        'callForwarding',
        {
          callForwarding: {
            always: { ringReminderEnabled: true, destinationVoicemailEnabled: true, enabled: true, destination: '+34910000009' },
          },
        },
      ],
    ]);
  });

  it('a person whose Calling was enabled moments ago: no GET, every setting PUT with the known defaults', async () => {
    const { env, calls } = scriptedEnv(matching);
    const trail = new StepTrail();
    const report = await applySettings(
      env,
      'P',
      [...userSettingChanges(row).slice(0, 3), callerIdChange('DIRECT_LINE', 'caller_id_selected')],
      true,
      trail,
    );
    expect(calls.map((c) => `${c.method} ${c.setting}`)).toEqual(['PUT callWaiting', 'PUT doNotDisturb', 'PUT voicemail', 'PUT callerId']);
    expect(calls[1]!.body).toEqual({ enabled: false, ringSplashEnabled: false, webexGoOverrideEnabled: false });
    expect(trail.applied).toHaveLength(4);
    expect(describeSettings(report)).toBe(
      'settings set: callWaiting (enabled: true), doNotDisturb (enabled: false), voicemail (enabled: true), callerId (selected: DIRECT_LINE)',
    );
  });
});

describe('the run: settings of an existing Calling user (in-process simulator)', () => {
  const { sim } = useInProcessSim();
  const ops = () => ({ ...sim.stats().requests.byOperation });
  const delta = (before: Record<string, number>, after: Record<string, number>) =>
    Object.fromEntries(
      Object.entries(after)
        .filter(([k, v]) => v !== (before[k] ?? 0))
        .map(([k, v]) => [k, v - (before[k] ?? 0)]),
    );
  const messageByType = async (outDir: string) => Object.fromEntries((await readResults(outDir)).map((r) => [r.entity_type, r.message]));
  const oldTimer = () => [...sim.org.people.values()].find((p) => p.email === 'old.timer@example.com')!;

  it('settings that already match: GETs and zero PUTs, "already right"; one that differs: one PUT with the read fields kept', async () => {
    await run([site('Madrid HQ')]);
    // Webex's values for this user, as the simulator defaults them: call waiting on, DND off; caller ID DIRECT_LINE.
    oldTimer().settings!.doNotDisturb = { enabled: false, ringSplashEnabled: true, webexGoOverrideEnabled: true };
    const rows = () => [
      site('Madrid HQ'),
      user('old.timer@example.com', 'Madrid HQ', { calling_settings_call_waiting: 'true', calling_settings_do_not_disturb: 'false' }),
      assignment('old.timer@example.com', 'Madrid HQ', { extension: '1999', caller_id_selected: 'LOCATION_NUMBER' }),
    ];
    oldTimer().settings!.callerId = { ...oldTimer().settings!.callerId, selected: 'LOCATION_NUMBER' };

    const before = ops();
    const first = await run(rows());
    expect(first.result).toMatchObject({ success: 3, pending: 0 });
    expect(delta(before, ops())).toEqual({
      'GET /people': 2,
      'GET /people/{personId}/features/callWaiting': 1,
      'GET /people/{personId}/features/doNotDisturb': 1,
      'GET /people/{personId}/features/callerId': 1,
      // the start-up lists of the run's cache
      'GET /locations': 1,
      'GET /telephony/config/locations': 1,
      'GET /licenses': 1,
    });
    const messages = await messageByType(first.outDir);
    expect(messages.user).toBe('Calling already enabled; already right: callWaiting, doNotDisturb');
    expect(messages.extension_assignment).toBe('extension/number already assigned; already right: callerId');

    const changed = rows();
    changed[1] = user('old.timer@example.com', 'Madrid HQ', {
      calling_settings_call_waiting: 'true',
      calling_settings_do_not_disturb: 'true',
    });
    const mid = ops();
    const second = await run(changed);
    expect(second.result).toMatchObject({ success: 3, pending: 0 });
    const sent = delta(mid, ops());
    expect(Object.keys(sent).filter((k) => k.startsWith('PUT'))).toEqual(['PUT /people/{personId}/features/doNotDisturb']);
    expect(sent['PUT /people/{personId}/features/doNotDisturb']).toBe(1);
    expect(oldTimer().settings!.doNotDisturb).toEqual({ enabled: true, ringSplashEnabled: true, webexGoOverrideEnabled: true });
    expect((await messageByType(second.outDir)).user).toBe(
      'Calling already enabled; settings changed: doNotDisturb (enabled: false → true); already right: callWaiting',
    );
    expect(sim.stats().requests.invalid).toBe(0);
  });

  it('a caller ID on both the user row and the assignment row is set once, from the assignment row (the final setting)', async () => {
    await run([site('Madrid HQ')]);
    oldTimer().settings!.callerId = { ...oldTimer().settings!.callerId, selected: 'DIRECT_LINE' };
    const rows = [
      site('Madrid HQ'),
      user('old.timer@example.com', 'Madrid HQ', { calling_settings_caller_id: 'DIRECT_LINE' }),
      assignment('old.timer@example.com', 'Madrid HQ', { extension: '1999', caller_id_selected: 'LOCATION_NUMBER' }),
    ];
    const before = ops();
    const first = await run(rows);
    expect(first.result).toMatchObject({ success: 3, pending: 0 });
    expect(delta(before, ops())['PUT /people/{personId}/features/callerId']).toBe(1);
    expect(oldTimer().settings!.callerId.selected).toBe('LOCATION_NUMBER');
    const rowId = (await readResults(first.outDir)).find((r) => r.entity_type === 'extension_assignment')!.row_id;
    expect((await messageByType(first.outDir)).user).toBe(
      `Calling already enabled; callerId left to the extension_assignment row ${rowId} (LOCATION_NUMBER)`,
    );
    // A second run changes nothing: the user row does not set it back.
    const mid = ops();
    await run(rows);
    expect(Object.keys(delta(mid, ops())).filter((k) => k.startsWith('PUT'))).toEqual([]);
  });
});
