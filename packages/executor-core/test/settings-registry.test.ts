import { describe, expect, it } from 'vitest';
import { USER_SETTING_COLUMNS } from '@wbp/csv-contract';
import { SETTINGS, userSettingChanges } from '../src/steps/settings-registry.js';
import { user, type Columns } from './fixtures.js';
import { HELD } from './setting-values.js';

const changesFor = (columns: Columns) => userSettingChanges(user('a@x.com', 'L', columns));
const one = (columns: Columns) => {
  const [change, ...more] = changesFor(columns);
  expect(more).toEqual([]);
  return change!;
};

describe('the settings registry', () => {
  it('drives every csv-contract settings column exactly once', () => {
    const covered = SETTINGS.flatMap((e) => e.columns.map((c) => c.column));
    expect([...covered].sort()).toEqual([...USER_SETTING_COLUMNS].sort());
    expect(new Set(SETTINGS.map((e) => e.setting)).size).toBe(SETTINGS.length);
  });

  it('the columns of one Webex setting make one change: one GET, one compare, one PUT', () => {
    const changes = changesFor({
      calling_settings_forward_always: '1001',
      calling_settings_forward_busy: '1002',
      calling_settings_forward_no_answer_rings: '5',
      calling_settings_voicemail_send_busy: 'false',
      calling_settings_voicemail_email_copy: 'off',
      calling_settings_outgoing_national: 'BLOCK',
      calling_settings_outgoing_premium: 'ALLOW',
    });
    expect(changes.map((c) => [c.setting, c.column])).toEqual([
      ['voicemail', 'calling_settings_voicemail_send_busy, calling_settings_voicemail_email_copy'],
      ['callForwarding', 'calling_settings_forward_always, calling_settings_forward_busy, calling_settings_forward_no_answer_rings'],
      ['outgoingPermission', 'calling_settings_outgoing_national, calling_settings_outgoing_premium'],
    ]);
  });
});

describe('forwarding on busy, no answer and business continuity', () => {
  it('a destination turns the forward on to it; compare shows old → new; the body keeps the PUT fields as read', () => {
    const change = one({ calling_settings_forward_busy: '+34910000009', calling_settings_forward_business_continuity: '1005' });
    expect(change.compare(HELD.callForwarding!).change).toBe(
      'busy.enabled: false → true, busy.destination: (none) → +34910000009, businessContinuity.enabled: false → true, businessContinuity.destination: (none) → 1005',
    );
    expect(change.build(HELD.callForwarding!)).toEqual({
      callForwarding: { busy: { enabled: true, destination: '+34910000009', destinationVoicemailEnabled: false } },
      businessContinuity: { enabled: true, destination: '1005', destinationVoicemailEnabled: false },
    });
  });

  it('no answer: the national form Webex returns matches the E.164 wish; rings compare as numbers and are sent as one', () => {
    const change = one({ calling_settings_forward_no_answer: '+12225551212', calling_settings_forward_no_answer_rings: '3' });
    expect(change.compare(HELD.callForwarding!)).toMatchObject({ differs: false, change: '' });
    const more = one({ calling_settings_forward_no_answer_rings: '6' });
    expect(more.compare(HELD.callForwarding!).change).toBe('noAnswer.numberOfRings: 3 → 6');
    // systemMaxNumberOfRings is GET-only: never sent back
    expect(more.build(HELD.callForwarding!)).toEqual({
      callForwarding: { noAnswer: { enabled: true, destination: '2225551212', numberOfRings: 6, destinationVoicemailEnabled: false } },
    });
  });

  it('off turns it off and keeps the destination Webex holds', () => {
    const change = one({ calling_settings_forward_no_answer: 'off' });
    expect(change.compare(HELD.callForwarding!).change).toBe('noAnswer.enabled: true → false');
    expect(change.build(HELD.callForwarding!)).toMatchObject({
      callForwarding: { noAnswer: { enabled: false, destination: '2225551212' } },
    });
    expect(one({ calling_settings_forward_busy: 'off' }).compare(HELD.callForwarding!).differs).toBe(false);
  });
});

describe('voicemail: how it takes calls and the e-mail copy', () => {
  it('send busy / send unanswered / rings: only the fields named are compared; the required fields are copied', () => {
    const change = one({
      calling_settings_voicemail_send_busy: 'false',
      calling_settings_voicemail_send_unanswered: 'true',
      calling_settings_voicemail_rings: '5',
    });
    expect(change.compare(HELD.voicemail!).change).toBe('sendBusyCalls.enabled: true → false, sendUnansweredCalls.numberOfRings: 3 → 5');
    expect(change.build(HELD.voicemail!)).toEqual({
      notifications: { enabled: true, destination: 'dummy@example.com' },
      transferToNumber: { enabled: false },
      sendBusyCalls: { enabled: false, greeting: 'DEFAULT' },
      sendUnansweredCalls: { enabled: true, greeting: 'CUSTOM', numberOfRings: 5 },
    });
  });

  it('the e-mail copy compares its address case-insensitively; off sends enabled false', () => {
    expect(one({ calling_settings_voicemail_email_copy: 'dummy@example.com' }).compare(HELD.voicemail!).differs).toBe(false);
    const other = one({ calling_settings_voicemail_email_copy: 'ana@example.com' });
    expect(other.compare(HELD.voicemail!).change).toBe('emailCopyOfMessage.emailId: Dummy@Example.com → ana@example.com');
    expect(other.build(HELD.voicemail!).emailCopyOfMessage).toEqual({ enabled: true, emailId: 'ana@example.com' });
    const off = one({ calling_settings_voicemail_email_copy: 'off' });
    expect(off.compare(HELD.voicemail!).change).toBe('emailCopyOfMessage.enabled: true → false');
    expect(off.build(HELD.voicemail!).emailCopyOfMessage).toEqual({ enabled: false, emailId: 'Dummy@Example.com' });
  });

  it('for a person just enabled the body is built from the known defaults (no GET)', () => {
    const change = one({ calling_settings_voicemail_send_busy: 'true' });
    expect(change.needsCurrent).toBe(true);
    expect(change.build(change.fresh!)).toEqual({
      notifications: { enabled: false },
      transferToNumber: { enabled: false },
      sendBusyCalls: { enabled: true },
    });
  });
});

describe('outgoing calling permissions', () => {
  it('compares the named call types; a call type Webex fixes is neither compared nor sent', () => {
    const change = one({ calling_settings_outgoing_international: 'ALLOW', calling_settings_outgoing_premium: 'ALLOW' });
    expect(change.compare(HELD.outgoingPermission!).change).toBe('INTERNATIONAL: BLOCK → ALLOW, PREMIUM_SERVICES_I: BLOCK → ALLOW');
    expect(change.build(HELD.outgoingPermission!)).toEqual({
      useCustomPermissions: true,
      callingPermissions: [
        { callType: 'INTERNAL_CALL', action: 'ALLOW', transferEnabled: true },
        { callType: 'INTERNATIONAL', action: 'ALLOW', transferEnabled: false },
        { callType: 'PREMIUM_SERVICES_I', action: 'ALLOW', transferEnabled: false },
        { callType: 'NATIONAL', action: 'ALLOW', transferEnabled: true },
      ],
    });
    expect(one({ calling_settings_outgoing_national: 'ALLOW' }).compare(HELD.outgoingPermission!).differs).toBe(false);
  });

  it('always read first, even for a person just enabled (the call types are sent back as read)', () => {
    const change = one({ calling_settings_outgoing_national: 'BLOCK' });
    expect([change.needsCurrent, change.fresh]).toEqual([true, undefined]);
    expect(change.build({})).toEqual({
      useCustomPermissions: true,
      callingPermissions: [{ callType: 'NATIONAL', action: 'BLOCK', transferEnabled: false }],
    });
  });
});

describe('call recording, hoteling, barge-in, emergency callback number', () => {
  it.each([
    ['always', 'enabled: false → true, record: Never → Always', { enabled: true, record: 'Always' }],
    [
      'always_with_pause',
      'enabled: false → true, record: Never → Always with Pause/Resume',
      { enabled: true, record: 'Always with Pause/Resume' },
    ],
    [
      'on_demand',
      'enabled: false → true, record: Never → On Demand with User Initiated Start',
      { enabled: true, record: 'On Demand with User Initiated Start' },
    ],
  ])('call recording %s → %s', (wish, text, body) => {
    const change = one({ calling_settings_call_recording: wish });
    expect(change.compare(HELD.callRecording!).change).toBe(text);
    expect(change.build(HELD.callRecording!)).toEqual(body);
  });

  it('call recording off compares enabled only', () => {
    const change = one({ calling_settings_call_recording: 'off' });
    expect(change.compare(HELD.callRecording!).differs).toBe(false);
    expect(change.compare({ enabled: true, record: 'Always' }).change).toBe('enabled: true → false');
    expect(change.build({})).toEqual({ enabled: false });
  });

  it('hoteling and barge-in send enabled only (barge-in keeps its tone as it is)', () => {
    const [hoteling, bargeIn] = changesFor({ calling_settings_hoteling: 'true', calling_settings_barge_in: 'true' });
    expect(hoteling!.compare(HELD.hoteling!).change).toBe('enabled: false → true');
    expect(bargeIn!.compare(HELD.bargeIn!).change).toBe('enabled: false → true');
    expect([hoteling!.build(HELD.hoteling!), bargeIn!.build(HELD.bargeIn!)]).toEqual([{ enabled: true }, { enabled: true }]);
  });

  it('the emergency callback number compares and sends `selected`', () => {
    const change = one({ calling_settings_ecbn: 'DIRECT_LINE' });
    expect(change.compare(HELD.emergencyCallbackNumber!).change).toBe('selected: LOCATION_ECBN → DIRECT_LINE');
    expect(change.build(HELD.emergencyCallbackNumber!)).toEqual({ selected: 'DIRECT_LINE' });
    expect(one({ calling_settings_ecbn: 'LOCATION_ECBN' }).compare(HELD.emergencyCallbackNumber!).differs).toBe(false);
  });

  it('the licence-bound settings are marked so a refusal ends out_of_scope', () => {
    expect(SETTINGS.filter((e) => e.licenceBound).map((e) => e.setting)).toEqual([
      'outgoingPermission',
      'callRecording',
      'hoteling',
      'bargeIn',
      'emergencyCallbackNumber',
    ]);
  });
});
