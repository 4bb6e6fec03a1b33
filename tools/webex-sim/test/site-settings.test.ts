import { describe, expect, it } from 'vitest';
import { CALLING_PRO } from '../src/index.js';
import { callingSite, clientFor, configure, raw, stats, useSimulator } from './harness.js';

/** The settings a site rollout sets beyond the first five (issue 16), over HTTP. */
const box = useSimulator();
const ECBN = (id: string) => `/telephony/config/people/${id}/emergencyCallbackNumber`;
const feature = (id: string, setting: string) => `/people/${id}/features/${setting}`;

/** Ana: extension only. John: extension and the direct number +34910000001. */
async function twoCallingUsers() {
  const site = await callingSite(box.sim.baseUrl);
  const webex = clientFor(box.sim.baseUrl);
  const ana = (await webex.people.findByEmail('ana.garcia@example.com'))!.id!;
  const john = (await webex.people.findByEmail('john.smith@example.com'))!.id!;
  await webex.licenses.assign({ personId: ana, licenses: [{ id: CALLING_PRO, properties: { locationId: site, extension: '1001' } }] });
  await webex.licenses.assign({
    personId: john,
    licenses: [{ id: CALLING_PRO, properties: { locationId: site, extension: '1002', phoneNumber: '+34910000001' } }],
  });
  return { site, ana, john };
}

const get = async (path: string) => {
  const r = await raw(box.sim.baseUrl, 'GET', path);
  expect(r.status, path).toBe(200);
  return r.json!;
};
const put = (path: string, body: unknown) => raw(box.sim.baseUrl, 'PUT', path, body);

describe('defaults of a person just enabled for Calling', () => {
  it('hoteling and barge-in off, every call type in the outgoing permissions, recording never, ECBN by the line', async () => {
    const { ana, john } = await twoCallingUsers();
    expect(await get(feature(ana, 'hoteling'))).toEqual({ enabled: false });
    expect(await get(feature(ana, 'bargeIn'))).toEqual({ enabled: false, toneEnabled: true });
    const outgoing = await get(feature(ana, 'outgoingPermission'));
    const actions = Object.fromEntries(
      (outgoing.callingPermissions as { callType: string; action: string }[]).map((p) => [p.callType, p.action]),
    );
    expect(actions).toMatchObject({ NATIONAL: 'ALLOW', INTERNATIONAL: 'BLOCK', PREMIUM_SERVICES_I: 'BLOCK', PREMIUM_SERVICES_II: 'BLOCK' });
    expect(Object.keys(actions)).toHaveLength(10);
    expect(await get(feature(ana, 'callRecording'))).toMatchObject({ enabled: false, record: 'Never' });
    expect(await get(ECBN(ana))).toMatchObject({ selected: 'LOCATION_ECBN', elinEnabled: false });
    expect(await get(ECBN(john))).toMatchObject({
      selected: 'DIRECT_LINE',
      directLineInfo: { phoneNumber: '+34910000001', effectiveLevel: 'DIRECT_LINE', quality: 'RECOMMENDED' },
    });
  });
});

describe('partial PUTs: only the fields sent change', () => {
  it('forwarding on busy and no answer, business continuity; rings 2-20 from the spec', async () => {
    const { ana } = await twoCallingUsers();
    const before = await get(feature(ana, 'callForwarding'));
    const body = {
      callForwarding: {
        busy: { enabled: true, destination: '1002' },
        noAnswer: { enabled: true, destination: '+34910000009', numberOfRings: 5 },
      },
    };
    expect((await put(feature(ana, 'callForwarding'), body)).status).toBe(204);
    const after = await get(feature(ana, 'callForwarding'));
    const forwarding = after.callForwarding as Record<string, Record<string, unknown>>;
    expect(forwarding.always).toEqual((before.callForwarding as Record<string, unknown>).always);
    expect(forwarding.busy).toMatchObject({ enabled: true, destination: '1002', destinationVoicemailEnabled: false });
    expect(forwarding.noAnswer).toMatchObject({ enabled: true, numberOfRings: 5, systemMaxNumberOfRings: 20 });
    expect(after.businessContinuity).toEqual(before.businessContinuity);

    const tooMany = await put(feature(ana, 'callForwarding'), { callForwarding: { noAnswer: { numberOfRings: 21 } } });
    expect(tooMany.status).toBe(400);
    expect(String(tooMany.json!.message)).toContain('numberOfRings');
    const noDestination = await put(feature(ana, 'callForwarding'), { businessContinuity: { enabled: true } });
    expect(noDestination.status).toBe(400);
    expect(noDestination.json).toMatchObject({ errors: [{ errorCode: 27101 }] });
    expect(await get(feature(ana, 'callForwarding'))).toEqual(after);
  });

  it('voicemail: busy and unanswered calls, rings, a copy by e-mail; the required fields must be sent', async () => {
    const { ana } = await twoCallingUsers();
    const required = { notifications: { enabled: false }, transferToNumber: { enabled: false } };
    const body = {
      ...required,
      sendBusyCalls: { enabled: false },
      sendUnansweredCalls: { enabled: true, numberOfRings: 6 },
      emailCopyOfMessage: { enabled: true, emailId: 'ana@example.com' },
    };
    expect((await put(feature(ana, 'voicemail'), body)).status).toBe(204);
    expect(await get(feature(ana, 'voicemail'))).toMatchObject({
      enabled: true,
      sendBusyCalls: { enabled: false, greeting: 'DEFAULT' },
      sendUnansweredCalls: { enabled: true, numberOfRings: 6 },
      emailCopyOfMessage: { enabled: true, emailId: 'ana@example.com' },
    });
    const missing = await put(feature(ana, 'voicemail'), { sendBusyCalls: { enabled: true } });
    expect(missing.status).toBe(400);
    expect(String(missing.json!.message)).toMatch(/notifications/);
    const noAddress = await put(feature(ana, 'voicemail'), { ...required, emailCopyOfMessage: { enabled: true, emailId: '' } });
    expect(noAddress.json).toMatchObject({ errors: [{ errorCode: 27102 }] });
  });

  it('outgoing permissions change only the call types sent; each entry needs transferEnabled', async () => {
    const { ana } = await twoCallingUsers();
    const body = {
      useCustomEnabled: true,
      callingPermissions: [
        { callType: 'INTERNATIONAL', action: 'ALLOW', transferEnabled: true },
        { callType: 'PREMIUM_SERVICES_I', action: 'ALLOW', transferEnabled: false },
      ],
    };
    expect((await put(feature(ana, 'outgoingPermission'), body)).status).toBe(204);
    const after = await get(feature(ana, 'outgoingPermission'));
    const byType = Object.fromEntries((after.callingPermissions as { callType: string }[]).map((p) => [p.callType, p]));
    expect(after.useCustomEnabled).toBe(true);
    expect(byType.INTERNATIONAL).toMatchObject({ action: 'ALLOW', transferEnabled: true, isCallTypeRestrictionEnabled: false });
    expect(byType.PREMIUM_SERVICES_I).toMatchObject({ action: 'ALLOW' });
    expect(byType.PREMIUM_SERVICES_II).toMatchObject({ action: 'BLOCK' });
    expect(Object.keys(byType)).toHaveLength(10);
    const bad = await put(feature(ana, 'outgoingPermission'), { callingPermissions: [{ callType: 'NATIONAL', action: 'BLOCK' }] });
    expect(bad.status).toBe(400);
    expect(String(bad.json!.message)).toContain('transferEnabled');
  });

  it('call recording, hoteling and barge-in take the spec enums and required fields', async () => {
    const { ana } = await twoCallingUsers();
    expect((await put(feature(ana, 'callRecording'), { enabled: true, record: 'On Demand with User Initiated Start' })).status).toBe(204);
    expect(await get(feature(ana, 'callRecording'))).toMatchObject({ enabled: true, record: 'On Demand with User Initiated Start' });
    expect((await put(feature(ana, 'callRecording'), { record: 'Sometimes' })).status).toBe(400);
    expect((await put(feature(ana, 'hoteling'), { enabled: true })).status).toBe(204);
    expect(await get(feature(ana, 'hoteling'))).toEqual({ enabled: true });
    expect((await put(feature(ana, 'hoteling'), {})).status).toBe(400);
    expect((await put(feature(ana, 'bargeIn'), { enabled: true })).status).toBe(204);
    expect(await get(feature(ana, 'bargeIn'))).toEqual({ enabled: true, toneEnabled: true });
  });
});

describe('an org without a call recording vendor', () => {
  it("refuses to enable a person's call recording (400, 27301) and stores nothing; turning it off is fine", async () => {
    const { ana } = await twoCallingUsers();
    await configure(box.control, { callRecordingVendor: false });
    try {
      const refused = await put(feature(ana, 'callRecording'), { enabled: true, record: 'Always' });
      expect(refused.status).toBe(400);
      expect(refused.json).toMatchObject({ message: expect.stringContaining('no call recording vendor'), errors: [{ errorCode: 27301 }] });
      expect(await get(feature(ana, 'callRecording'))).toMatchObject({ enabled: false, record: 'Never' });
      expect((await put(feature(ana, 'callRecording'), { enabled: false })).status).toBe(204);
      expect((await put(feature('nobody', 'callRecording'), { enabled: true })).status).toBe(404);
    } finally {
      await configure(box.control, { callRecordingVendor: true });
    }
    expect((await put(feature(ana, 'callRecording'), { enabled: true, record: 'Always' })).status).toBe(204);
  });
});

describe('emergency callback number', () => {
  it('refuses DIRECT_LINE without a direct number with a Webex error body, and keeps what was set', async () => {
    const { ana, john } = await twoCallingUsers();
    const refused = await put(ECBN(ana), { selected: 'DIRECT_LINE' });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('trackingid')).toBeTruthy();
    expect(refused.json).toMatchObject({ message: expect.stringContaining('no direct number'), errors: [{ errorCode: 27201 }] });
    expect((await get(ECBN(ana))).selected).toBe('LOCATION_ECBN');

    expect((await put(ECBN(john), { selected: 'LOCATION_ECBN' })).status).toBe(204);
    expect(await get(ECBN(john))).toMatchObject({ selected: 'LOCATION_ECBN', locationECBNInfo: { effectiveLevel: 'LOCATION_ECBN' } });
    expect((await put(ECBN(john), { selected: 'DIRECT_LINE' })).status).toBe(204);
    expect((await get(ECBN(john))).selected).toBe('DIRECT_LINE');
    expect((await put(ECBN(john), { selected: 'NONE' })).status).toBe(400);
  });

  it('LOCATION_MEMBER_NUMBER needs a member of the location with a direct number', async () => {
    const { ana, john } = await twoCallingUsers();
    expect((await put(ECBN(ana), { selected: 'LOCATION_MEMBER_NUMBER' })).json).toMatchObject({ errors: [{ errorCode: 27202 }] });
    expect((await put(ECBN(john), { selected: 'LOCATION_MEMBER_NUMBER', locationMemberId: ana })).json).toMatchObject({
      errors: [{ errorCode: 27203 }],
    });
    expect((await put(ECBN(ana), { selected: 'LOCATION_MEMBER_NUMBER', locationMemberId: john })).status).toBe(204);
    expect(await get(ECBN(ana))).toMatchObject({
      locationMemberInfo: { memberId: john, phoneNumber: '+34910000001', memberType: 'PEOPLE' },
    });
  });
});

describe('who can have these settings', () => {
  it('404 for an unknown person, 404 (4003) for a person without Calling, on every new endpoint', async () => {
    const webex = clientFor(box.sim.baseUrl);
    const noCalling = (await webex.people.findByEmail('user1@example.com'))!.id!;
    for (const path of [feature('nobody', 'hoteling'), feature('nobody', 'bargeIn'), ECBN('nobody')]) {
      expect((await raw(box.sim.baseUrl, 'GET', path)).status, path).toBe(404);
    }
    for (const path of [feature(noCalling, 'hoteling'), feature(noCalling, 'bargeIn'), ECBN(noCalling)]) {
      const r = await raw(box.sim.baseUrl, 'GET', path);
      expect(r.status, path).toBe(404);
      expect(r.json, path).toMatchObject({ errors: [{ errorCode: 4003 }] });
    }
    expect((await put(ECBN(noCalling), { selected: 'LOCATION_ECBN' })).status).toBe(404);
    expect((await stats(box.control)).requests.invalid).toBe(0);
  });
});
