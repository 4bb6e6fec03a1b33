import { describe, expect, it } from 'vitest';
import { WebexApiError } from '@wbp/webex-client';
import { CALLING_PRO, MESSAGING } from '../src/index.js';
import { callingSite as callingSiteAt, clientFor, madrid, NO_SCOPE, raw, stats, useSimulator } from './harness.js';

const box = useSimulator();

async function err(p: Promise<unknown>): Promise<WebexApiError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(WebexApiError);
  return e as WebexApiError;
}

const callingSite = () => callingSiteAt(box.sim.baseUrl);

describe('auth and conventions', () => {
  it('answers 401 without or with a wrong token, 403 for a token without scopes, with trackingid and Webex error bodies', async () => {
    const none = await raw(box.sim.baseUrl, 'GET', '/locations', undefined, null);
    const wrong = await raw(box.sim.baseUrl, 'GET', '/locations', undefined, 'nope');
    const noScope = await raw(box.sim.baseUrl, 'GET', '/locations', undefined, NO_SCOPE);
    const me = await raw(box.sim.baseUrl, 'GET', '/people/me', undefined, NO_SCOPE);
    expect([none.status, wrong.status, noScope.status, me.status]).toEqual([401, 401, 403, 200]);
    for (const r of [none, wrong, noScope, me]) expect(r.headers.get('trackingid')).toMatch(/^SIM_\d+$/);
    expect(noScope.json).toMatchObject({
      message: expect.any(String),
      errors: [{ description: expect.any(String) }],
      trackingId: expect.stringMatching(/^SIM_/),
    });
  });
});

describe('people', () => {
  it('matches e-mail exactly (case-insensitive) and answers 200 with no items for an unknown one', async () => {
    const webex = clientFor(box.sim.baseUrl);
    expect((await webex.people.findByEmail('ANA.GARCIA@example.com'))?.displayName).toBe('Ana García');
    expect(await webex.people.findByEmail('nobody@example.com')).toBeUndefined();
    const r = await raw(box.sim.baseUrl, 'GET', '/people?email=nobody%40example.com&callingData=true');
    expect(r).toMatchObject({ status: 200, json: { items: [] } });
  });

  it('pages with max and Link rel="next", and the client follows every page', async () => {
    const first = await raw(box.sim.baseUrl, 'GET', '/people?max=10');
    expect((first.json!.items as unknown[]).length).toBe(10);
    expect(first.headers.get('link')).toMatch(/<http:\/\/127\.0\.0\.1:\d+\/v1\/people\?max=10&cursor=10>; rel="next"/);
    const webex = clientFor(box.sim.baseUrl);
    const all = await webex.raw.admin.GET('/people', { params: { query: { max: 10 } } });
    expect(all.data?.items).toHaveLength(10);
    const site = await callingSite();
    for (let i = 0; i < 12; i++) {
      const p = await webex.people.findByEmail(`user${i}@example.com`);
      await webex.licenses.assign({
        personId: p!.id!,
        licenses: [{ id: CALLING_PRO, properties: { locationId: site, extension: String(2000 + i) } }],
      });
    }
    expect(await webex.people.listByLocation(site, 5)).toHaveLength(13); // 12 + the seeded Old Timer
  });

  it('PUT is a full replacement: omitting the work number removes it; displayName is required; identity changes are counted', async () => {
    const webex = clientFor(box.sim.baseUrl);
    const site = await callingSite();
    const ana = (await webex.people.findByEmail('ana.garcia@example.com'))!;
    await webex.licenses.assign({
      personId: ana.id!,
      licenses: [{ id: CALLING_PRO, properties: { locationId: site, extension: '1001', phoneNumber: '+34910000001' } }],
    });
    const before = await webex.people.get(ana.id!);
    expect(before.phoneNumbers).toEqual([
      { type: 'work', value: '+34910000001', primary: true },
      { type: 'work_extension', value: '80011001' },
    ]);
    const body = {
      displayName: before.displayName!,
      emails: before.emails,
      firstName: before.firstName,
      lastName: before.lastName,
      extension: '1001',
      locationId: site,
    };
    const after = await webex.people.update(ana.id!, body);
    expect(after.phoneNumbers).toEqual([{ type: 'work_extension', value: '80011001' }]);
    expect((await stats(box.control)).state.identityChanges).toBe(0);

    const missingName = await raw(box.sim.baseUrl, 'PUT', `/people/${ana.id}?callingData=true`, { emails: before.emails });
    expect(missingName.status).toBe(400);
    const moved = await err(webex.people.update(ana.id!, { ...body, locationId: 'elsewhere' }));
    expect(moved.status).toBe(400);
    await webex.people.update(ana.id!, { ...body, displayName: 'Somebody Else' });
    expect((await stats(box.control)).state.identityChanges).toBe(1);
  });
});

describe('locations', () => {
  it('creates (201 id), rejects a missing field as invalid, a duplicate name with 409, updates (204), 404s unknown ids', async () => {
    const webex = clientFor(box.sim.baseUrl);
    const { id } = await webex.locations.create(madrid);
    expect(id).toBeTruthy();
    const bad = await raw(box.sim.baseUrl, 'POST', '/locations', {
      name: 'No address',
      timeZone: 'UTC',
      preferredLanguage: 'en_us',
      announcementLanguage: 'en_us',
    });
    expect(bad.status).toBe(400);
    expect((await err(webex.locations.create({ ...madrid, name: 'madrid hq' }))).status).toBe(409);
    await webex.locations.update(id, { ...madrid, name: 'Madrid HQ', timeZone: 'Atlantic/Canary' });
    expect((await webex.locations.get(id)).timeZone).toBe('Atlantic/Canary');
    expect((await err(webex.locations.get('missing'))).status).toBe(404);
    expect((await webex.locations.list({ name: 'drid' })).map((l) => l.id)).toEqual([id]);
    const s = await stats(box.control);
    expect(s.requests.invalid).toBe(1);
    expect(s.requests.byOperation['POST /locations']).toBe(3);
    expect(s.state).toMatchObject({ locations: 1, duplicateLocationNames: 0 });
  });

  it('deletes a plain location (204, then 404), but not a Calling-enabled one (409)', async () => {
    const webex = clientFor(box.sim.baseUrl);
    const plain = (await webex.locations.create({ ...madrid, name: 'Temp' })).id;
    expect((await raw(box.sim.baseUrl, 'DELETE', `/locations/${plain}`)).status).toBe(204);
    expect((await raw(box.sim.baseUrl, 'DELETE', `/locations/${plain}`)).status).toBe(404);
    await webex.locations.delete(plain); // the client treats "already gone" as deleted
    const site = await callingSite();
    expect((await raw(box.sim.baseUrl, 'DELETE', `/locations/${site}`)).status).toBe(409);
  });

  it('enables Calling once: 201, 404 for an unknown location, 409 the second time; only Calling sites are listed', async () => {
    const webex = clientFor(box.sim.baseUrl);
    const { id } = await webex.locations.create(madrid);
    await webex.locations.create({ ...madrid, name: 'Plain site' });
    expect((await err(webex.callingLocations.get(id))).status).toBe(404);
    expect(await webex.callingLocations.enable({ id, ...madrid })).toEqual({ id });
    expect((await err(webex.callingLocations.enable({ id, ...madrid }))).status).toBe(409);
    expect((await err(webex.callingLocations.enable({ ...madrid, id: 'nope' }))).status).toBe(404);
    expect((await webex.callingLocations.list()).map((l) => l.id)).toEqual([id]);
    expect((await webex.callingLocations.get(id)).routingPrefix).toBe('8001');
  });
});

describe('licence assignment', () => {
  it('enforces the Calling licence rules with Webex error codes', async () => {
    const webex = clientFor(box.sim.baseUrl);
    const site = await callingSite();
    const plain = (await webex.locations.create({ ...madrid, name: 'No calling' })).id;
    const ana = (await webex.people.findByEmail('ana.garcia@example.com'))!.id!;
    const john = (await webex.people.findByEmail('john.smith@example.com'))!.id!;
    const code = async (body: Parameters<typeof webex.licenses.assign>[0]) => {
      const e = await err(webex.licenses.assign(body));
      return [e.status, e.errorCodes[0]];
    };
    expect(await code({ personId: ana, licenses: [{ id: CALLING_PRO }] })).toEqual([400, 400411]);
    expect(await code({ personId: ana, licenses: [{ id: CALLING_PRO, properties: { locationId: site } }] })).toEqual([400, 400411]);
    expect(await code({ personId: ana, licenses: [{ id: CALLING_PRO, properties: { locationId: 'nope', extension: '1001' } }] })).toEqual([
      400, 400,
    ]);
    expect(await code({ personId: ana, licenses: [{ id: CALLING_PRO, properties: { locationId: plain, extension: '1001' } }] })).toEqual([
      400, 25008,
    ]);
    expect(await code({ personId: ana, licenses: [{ id: CALLING_PRO, properties: { locationId: site, extension: '1999' } }] })).toEqual([
      400, 4202,
    ]);
    expect(await code({ personId: ana, licenses: [{ id: CALLING_PRO, properties: { phoneNumber: '+34999999999' } }] })).toEqual([
      400, 9601,
    ]);
    expect(await code({ personId: ana, licenses: [{ id: 'bogus', properties: { locationId: site, extension: '1001' } }] })).toEqual([
      400, 400000,
    ]);
    const unknown = await err(
      webex.licenses.assign({
        email: 'ghost@example.com',
        licenses: [{ id: CALLING_PRO, properties: { locationId: site, extension: '1001' } }],
      }),
    );
    expect(unknown.status).toBe(404);

    const ok = await webex.licenses.assign({
      personId: ana,
      licenses: [{ id: CALLING_PRO, properties: { phoneNumber: '+34910000001', extension: '1001' } }],
    });
    expect(ok.partial).toBe(false);
    expect(ok.result.licenses).toContain(CALLING_PRO);
    expect(
      await code({ personId: john, licenses: [{ id: CALLING_PRO, properties: { phoneNumber: '+34910000001', extension: '1002' } }] }),
    ).toEqual([400, 4201]);
    const partial = await webex.licenses.assign({
      personId: john,
      licenses: [
        { id: MESSAGING, operation: 'remove' },
        { id: CALLING_PRO, properties: { locationId: site, extension: '1999' } },
      ],
    });
    expect(partial.partial).toBe(true);
    await webex.licenses.assign({ personId: ana, licenses: [{ id: CALLING_PRO, properties: { locationId: site, extension: '1001' } }] });
    expect((await stats(box.control)).state).toMatchObject({ callingUsers: 2, duplicateLicenseAssignments: 1 });
  });

  it('refuses when no Calling licence units are left', async () => {
    box.sim.sim.org.licenses[0]!.totalUnits = 1; // the seeded Old Timer holds the only unit once the site is Calling-enabled
    const webex = clientFor(box.sim.baseUrl);
    const site = await callingSite();
    const ana = (await webex.people.findByEmail('ana.garcia@example.com'))!.id!;
    const e = await err(
      webex.licenses.assign({ personId: ana, licenses: [{ id: CALLING_PRO, properties: { locationId: site, extension: '1001' } }] }),
    );
    expect(e.status).toBe(400);
    expect(e.message).toMatch(/No Webex Calling - Professional licenses/);
  });
});

describe('extensions, numbers and settings', () => {
  it('validateExtensions reports VALID, DUPLICATE, DUPLICATE_IN_LIST and INVALID', async () => {
    const webex = clientFor(box.sim.baseUrl);
    const site = await callingSite();
    const r = await webex.numbers.validateExtensions(site, ['1001', '1999', '1001', '12a', '911', '1234567']);
    expect(r.status).toBe('ERRORS');
    expect(r.extensionStatus?.map((s) => [s.state, s.errorCode])).toEqual([
      ['VALID', undefined],
      ['DUPLICATE', 9495],
      ['DUPLICATE_IN_LIST', 9498],
      ['INVALID', 4910],
      ['INVALID', 4911],
      ['INVALID', 4909],
    ]);
  });

  it('delivers seeded numbers once the site exists, shows owners and extension-only users, and validates filters', async () => {
    const webex = clientFor(box.sim.baseUrl);
    expect(await webex.numbers.list()).toEqual([]);
    const site = await callingSite();
    const ana = (await webex.people.findByEmail('ana.garcia@example.com'))!.id!;
    await webex.licenses.assign({
      personId: ana,
      licenses: [{ id: CALLING_PRO, properties: { phoneNumber: '+34910000002', extension: '1002' } }],
    });
    const all = await webex.numbers.list({ locationId: site });
    expect(
      all
        .filter((n) => n.phoneNumber)
        .map((n) => n.phoneNumber)
        .sort(),
    ).toEqual(['+34910000001', '+34910000002', '+34910000003']);
    expect(all.find((n) => n.phoneNumber === '+34910000002')?.owner).toMatchObject({ id: ana, type: 'PEOPLE' });
    expect(all.find((n) => n.extension === '1999')).toMatchObject({ phoneNumber: '' });
    expect(await webex.numbers.list({ locationId: site, available: true })).toHaveLength(2);
    const bad = await raw(box.sim.baseUrl, 'GET', `/telephony/config/numbers?numberType=EXTENSION&available=true`);
    expect(bad.status).toBe(400);
    await webex.raw.calling.POST('/telephony/config/locations/{locationId}/numbers', {
      params: { path: { locationId: site } },
      body: { phoneNumbers: ['+34910000001', '+34910000009'] },
    });
    expect(await webex.numbers.list({ locationId: site, available: true })).toHaveLength(3);
    const personNumbers = await webex.numbers.getPersonNumbers(ana);
    expect(personNumbers.phoneNumbers?.[0]).toMatchObject({
      primary: true,
      directNumber: '+34910000002',
      extension: '1002',
      esn: '80011002',
    });
  });

  it('person settings: 404 before Calling, Webex defaults after, PUT merges (204), required fields enforced', async () => {
    const webex = clientFor(box.sim.baseUrl);
    const site = await callingSite();
    const ana = (await webex.people.findByEmail('ana.garcia@example.com'))!.id!;
    expect((await err(webex.settings.get(ana, 'callWaiting'))).errorCodes).toEqual([4003]);
    await webex.licenses.assign({ personId: ana, licenses: [{ id: CALLING_PRO, properties: { locationId: site, extension: '1001' } }] });
    expect(await webex.settings.get(ana, 'callWaiting')).toEqual({ enabled: true });
    expect(await webex.settings.get(ana, 'doNotDisturb')).toMatchObject({ enabled: false });
    await webex.settings.update(ana, 'doNotDisturb', { enabled: true, webexGoOverrideEnabled: false });
    expect(await webex.settings.get(ana, 'doNotDisturb')).toEqual({
      enabled: true,
      ringSplashEnabled: false,
      webexGoOverrideEnabled: false,
    });
    const missing = await raw(box.sim.baseUrl, 'PUT', `/people/${ana}/features/callWaiting`, {});
    expect(missing.status).toBe(400);
    expect((await stats(box.control)).requests.invalid).toBe(1);
  });
});

describe('directory sync test hook (POST /_sim/people)', () => {
  it('brings a person in without Calling, once; a reset goes back to the seed', async () => {
    const find = async () => (await raw(box.sim.baseUrl, 'GET', '/people?email=late.joiner%40example.com')).json?.items as unknown[];
    expect(await find()).toEqual([]);
    const synced = await fetch(`${box.control}/people`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'Late.Joiner@example.com', displayName: 'Late Joiner' }),
    });
    expect(synced.status).toBe(200);
    const { id } = (await synced.json()) as { id: string };
    expect(await find()).toMatchObject([{ id, displayName: 'Late Joiner', emails: ['late.joiner@example.com'] }]);
    expect(box.sim.sim.syncPerson({ email: 'late.joiner@example.com' })).toBe(id); // already there: nothing changes
    expect((await stats(box.control)).state).toMatchObject({ callingUsers: 0, identityChanges: 0 });
    const bad = await fetch(`${box.control}/people`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'x' }),
    });
    expect(bad.status).toBe(400);
    box.sim.sim.reset();
    expect(await find()).toEqual([]);
  });
});
