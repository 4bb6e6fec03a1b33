import { describe, expect, it } from 'vitest';
import { CALLING_PRO } from '../src/index.js';
import { callingSite, clientFor, raw, stats, useSimulator } from './harness.js';

const box = useSimulator();

/** PUT bodies shaped as the official spec's "Configure … Settings for a Person" request schemas. */
const puts = {
  callWaiting: { enabled: false },
  doNotDisturb: { enabled: true, ringSplashEnabled: true, webexGoOverrideEnabled: false },
  voicemail: { enabled: false, notifications: { enabled: true, destination: 'ana@example.com' }, transferToNumber: { enabled: false } },
  callForwarding: { callForwarding: { always: { enabled: true, destination: '+34910000009', ringReminderEnabled: true } } },
  callerId: { selected: 'LOCATION_NUMBER' },
};

describe('person settings are stateful: GET answers what the PUTs stored', () => {
  it('each setting wbp compares reads back what was PUT, merged into what was there', async () => {
    const site = await callingSite(box.sim.baseUrl);
    const webex = clientFor(box.sim.baseUrl);
    const ana = (await webex.people.findByEmail('ana.garcia@example.com'))!.id!;
    await webex.licenses.assign({ personId: ana, licenses: [{ id: CALLING_PRO, properties: { locationId: site, extension: '1001' } }] });
    const get = async (setting: string) => (await raw(box.sim.baseUrl, 'GET', `/people/${ana}/features/${setting}`)).json!;
    const before = Object.fromEntries(await Promise.all(Object.keys(puts).map(async (s) => [s, await get(s)] as const)));

    for (const [setting, body] of Object.entries(puts)) {
      expect((await raw(box.sim.baseUrl, 'PUT', `/people/${ana}/features/${setting}`, body)).status, setting).toBe(204);
    }
    expect(await get('callWaiting')).toEqual({ enabled: false });
    expect(await get('doNotDisturb')).toEqual({ enabled: true, ringSplashEnabled: true, webexGoOverrideEnabled: false });
    expect(await get('voicemail')).toEqual({ ...before.voicemail, ...puts.voicemail });
    const forwarding = await get('callForwarding');
    // Only `always` was sent: busy, no-answer and business continuity are as they were; `always` keeps its other flag.
    expect(forwarding).toEqual({
      ...before.callForwarding,
      callForwarding: {
        ...(before.callForwarding!.callForwarding as Record<string, unknown>),
        always: { enabled: true, destination: '+34910000009', ringReminderEnabled: true, destinationVoicemailEnabled: false },
      },
    });
    expect(await get('callerId')).toEqual({ ...before.callerId, selected: 'LOCATION_NUMBER' });
    expect((await stats(box.control)).requests.invalid).toBe(0);
  });
});
