import { describe, expect, it } from 'vitest';
import { PERSON_SETTINGS, personSettingPath, type PersonSettingUpdate, type PersonSettingValue } from '../src/index.js';
import { failure } from './failure.js';
import { testClient } from './msw.js';
import { json, scriptedFetch } from './scripted-fetch.js';

/** An inner fetch that answers every GET with `value` and every PUT with 204, recording what it saw. */
function settingsServer(value: unknown) {
  return scriptedFetch((request) => (request.method === 'GET' ? json(value) : new Response(null, { status: 204 })));
}

const sent = async (request: Request) => ({
  method: request.method,
  path: new URL(request.url).pathname,
  body: request.method === 'PUT' ? ((await request.clone().json()) as unknown) : undefined,
});

describe('person settings', () => {
  it('reads and writes each setting at its official path', async () => {
    const inner = settingsServer({ enabled: true });
    const { client } = testClient({ fetch: inner.fetch });
    for (const setting of PERSON_SETTINGS) await client.settings.get('P1', setting);
    const paths = inner.seen.map((s) => new URL(s.request.url).pathname);
    expect(paths).toEqual(PERSON_SETTINGS.map((s) => `/v1${personSettingPath(s).replace('{personId}', 'P1')}`));
    expect(paths).toContain('/v1/people/P1/features/hoteling');
    expect(paths).toContain('/v1/people/P1/features/bargeIn');
    expect(paths).toContain('/v1/telephony/config/people/P1/emergencyCallbackNumber');
  });

  it('sends the partial bodies the official spec types allow, one PUT each', async () => {
    const inner = settingsServer({});
    const { client } = testClient({ fetch: inner.fetch });
    const forwarding: PersonSettingUpdate<'callForwarding'> = {
      callForwarding: {
        busy: { enabled: true, destination: '+34910000001' },
        noAnswer: { enabled: true, destination: '2001', numberOfRings: 4 },
      },
      businessContinuity: { enabled: false },
    };
    const voicemail: PersonSettingUpdate<'voicemail'> = {
      notifications: { enabled: false },
      transferToNumber: { enabled: false },
      sendBusyCalls: { enabled: true },
      sendUnansweredCalls: { enabled: true, numberOfRings: 5 },
      emailCopyOfMessage: { enabled: true, emailId: 'ana@example.com' },
    };
    const outgoing: PersonSettingUpdate<'outgoingPermission'> = {
      useCustomEnabled: true,
      callingPermissions: [
        { callType: 'NATIONAL', action: 'ALLOW', transferEnabled: false },
        { callType: 'INTERNATIONAL', action: 'BLOCK', transferEnabled: false },
        { callType: 'PREMIUM_SERVICES_I', action: 'BLOCK', transferEnabled: false },
        { callType: 'PREMIUM_SERVICES_II', action: 'BLOCK', transferEnabled: false },
      ],
    };
    const recording: PersonSettingUpdate<'callRecording'> = { enabled: true, record: 'Always with Pause/Resume' };
    const ecbn: PersonSettingUpdate<'emergencyCallbackNumber'> = { selected: 'LOCATION_ECBN' };
    await client.settings.update('P1', 'callForwarding', forwarding);
    await client.settings.update('P1', 'voicemail', voicemail);
    await client.settings.update('P1', 'outgoingPermission', outgoing);
    await client.settings.update('P1', 'callRecording', recording);
    await client.settings.update('P1', 'hoteling', { enabled: true });
    await client.settings.update('P1', 'bargeIn', { enabled: true, toneEnabled: false });
    await client.settings.update('P1', 'emergencyCallbackNumber', ecbn);
    expect(await Promise.all(inner.seen.map((s) => sent(s.request)))).toEqual([
      { method: 'PUT', path: '/v1/people/P1/features/callForwarding', body: forwarding },
      { method: 'PUT', path: '/v1/people/P1/features/voicemail', body: voicemail },
      { method: 'PUT', path: '/v1/people/P1/features/outgoingPermission', body: outgoing },
      { method: 'PUT', path: '/v1/people/P1/features/callRecording', body: recording },
      { method: 'PUT', path: '/v1/people/P1/features/hoteling', body: { enabled: true } },
      { method: 'PUT', path: '/v1/people/P1/features/bargeIn', body: { enabled: true, toneEnabled: false } },
      { method: 'PUT', path: '/v1/telephony/config/people/P1/emergencyCallbackNumber', body: ecbn },
    ]);
  });

  it('returns the value read, typed from the spec', async () => {
    const value: PersonSettingValue<'emergencyCallbackNumber'> = {
      selected: 'DIRECT_LINE',
      directLineInfo: {
        phoneNumber: '+34910000001',
        firstName: 'Ana',
        lastName: 'Ruiz',
        effectiveLevel: 'DIRECT_LINE',
        quality: 'RECOMMENDED',
      },
    };
    const { client } = testClient({ fetch: settingsServer(value).fetch });
    const read = await client.settings.get('P1', 'emergencyCallbackNumber');
    expect(read.selected).toBe('DIRECT_LINE');
    expect(read).toEqual(value);
  });

  it('rejects a refused PUT with WebexApiError carrying the Webex code and the schema path', async () => {
    const refused = scriptedFetch(() =>
      json(
        { message: 'No direct line', errors: [{ errorCode: 25008, description: 'The person has no direct number.' }], trackingId: 'NA_1' },
        { status: 400, headers: { trackingid: 'T400' } },
      ),
    );
    const { client } = testClient({ fetch: refused.fetch });
    const err = await failure(client.settings.update('P-secret', 'emergencyCallbackNumber', { selected: 'DIRECT_LINE' }));
    expect(err).toMatchObject({
      method: 'PUT',
      path: '/telephony/config/people/{personId}/emergencyCallbackNumber',
      status: 400,
      errorCodes: [25008],
      classification: 'non_retryable',
    });
    expect(err.message).not.toContain('P-secret');
    expect(refused.seen).toHaveLength(1);
  });

  it('rejects a 404 for an unknown person on a read', async () => {
    const missing = scriptedFetch(() => json({ message: 'User Not Found', errors: [{ errorCode: 4003 }] }, { status: 404 }));
    const { client } = testClient({ fetch: missing.fetch });
    expect(await failure(client.settings.get('P9', 'hoteling'))).toMatchObject({
      path: '/people/{personId}/features/hoteling',
      status: 404,
      errorCodes: [4003],
    });
  });
});
