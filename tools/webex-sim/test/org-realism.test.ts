import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CALLING_PRO_NAME, readPeopleSeed } from '../src/index.js';
import { callingSite, raw, stats, useSimulator } from './harness.js';
import { tempDir } from '../../../test-support/temp-dir.js';

/** Two Professional entries of 1 and 5 units; directory mobiles for everyone; one person with two e-mails. */
const box = useSimulator({
  callingLicenses: [1, 5],
  mobileForAll: true,
  people: [
    { email: 'ana.garcia@example.com', displayName: 'Ana García', fax: '+34910009999' },
    { email: 'old.timer@example.com', displayName: 'Old Timer', locationName: 'Madrid HQ', extension: '1999' },
    { email: 'two.mails@example.com', displayName: 'Two Mails', extraEmails: ['t.mails@example.org'] },
    { email: 'own.mobile@example.com', displayName: 'Own Mobile', mobile: '+34600000042' },
  ],
});

type Licence = { id: string; name: string; totalUnits: number; consumedUnits: number; subscriptionId: string };
type Person = {
  id: string;
  emails: string[];
  displayName: string;
  firstName?: string;
  lastName?: string;
  extension?: string;
  locationId?: string;
  licenses: string[];
  phoneNumbers?: { type: string; value: string }[];
};

const professional = async () =>
  ((await raw(box.sim.baseUrl, 'GET', '/licenses')).json!.items as Licence[]).filter((l) => l.name === CALLING_PRO_NAME);
const person = async (email: string, callingData = false) =>
  (
    (await raw(box.sim.baseUrl, 'GET', `/people?email=${encodeURIComponent(email)}${callingData ? '&callingData=true' : ''}`)).json!
      .items as Person[]
  )[0]!;
const assign = (personId: string, licence: string, locationId: string, extension: string) =>
  raw(box.sim.baseUrl, 'PATCH', '/licenses/users', { personId, licenses: [{ id: licence, properties: { locationId, extension } }] });

describe('several Calling licence entries', () => {
  it('counts units per entry: a full entry refuses (400, counted), the other assigns, GET /licenses shows each entry', async () => {
    const [first, second] = await professional();
    // The seeded Old Timer is already a Calling user: his unit of the first entry is in use before his site appears.
    expect([first, second].map((l) => l && [l.totalUnits, l.consumedUnits])).toEqual([
      [1, 1],
      [5, 0],
    ]);
    expect(first!.id).not.toBe(second!.id);
    expect(first!.subscriptionId).not.toBe(second!.subscriptionId);

    const site = await callingSite(box.sim.baseUrl);
    const ana = (await person('ana.garcia@example.com')).id;
    const refused = await assign(ana, first!.id, site, '1001');
    expect(refused.status).toBe(400);
    expect(refused.json!.message).toMatch(/No Webex Calling - Professional licenses are available/);
    expect((await assign(ana, second!.id, site, '1001')).status).toBe(200);
    expect((await professional()).map((l) => l.consumedUnits)).toEqual([1, 1]);

    // A second entry for a person who holds one is a double assignment: refused and counted.
    expect((await assign(ana, first!.id, site, '1001')).status).toBe(400);
    const s = await stats(box.control);
    expect(s.requests.refusedNoUnits).toBe(1);
    expect(s.state).toMatchObject({ licenceOverUse: 0, duplicateLicenseAssignments: 1, callingUsers: 2 });
  });
});

describe('directory numbers and e-mails', () => {
  it('GET returns directory mobile/fax numbers, with and without callingData', async () => {
    expect((await person('ana.garcia@example.com')).phoneNumbers).toEqual([
      { type: 'mobile', value: '+34610000000' },
      { type: 'fax', value: '+34910009999' },
    ]);
    const own = await person('own.mobile@example.com', true);
    expect(own.phoneNumbers).toEqual([{ type: 'mobile', value: '+34600000042' }]);
    expect((await raw(box.sim.baseUrl, 'GET', `/people/${own.id}`)).json!.phoneNumbers).toEqual(own.phoneNumbers);
  });

  it('PUT echoing every number keeps them and the extension; omitting the mobile deletes it and counts an identity change', async () => {
    const site = await callingSite(box.sim.baseUrl);
    const [, second] = await professional();
    const ana = await person('ana.garcia@example.com');
    await assign(ana.id, second!.id, site, '1001');
    const read = await person('ana.garcia@example.com', true);
    expect(read.phoneNumbers).toEqual([
      { type: 'work_extension', value: '80011001' },
      { type: 'mobile', value: '+34610000000' },
      { type: 'fax', value: '+34910009999' },
    ]);
    const { id, emails, displayName, firstName, lastName, extension, locationId, licenses, phoneNumbers } = read;
    const echo = { emails, displayName, firstName, lastName, extension, locationId, licenses, phoneNumbers };
    const put = (body: unknown) => raw(box.sim.baseUrl, 'PUT', `/people/${id}?callingData=true`, body);

    expect((await put(echo)).json!.phoneNumbers).toEqual(read.phoneNumbers);
    // work_extension cannot set the extension: a different value in it changes nothing.
    const otherPrefix = phoneNumbers!.map((n) => (n.type === 'work_extension' ? { ...n, value: '80012222' } : n));
    expect((await put({ ...echo, phoneNumbers: otherPrefix })).json).toMatchObject({ extension: '1001' });
    let s = await stats(box.control);
    expect(s.requests.invalid).toBe(0);
    expect(s.state.identityChanges).toBe(0);

    const after = await put({ ...echo, phoneNumbers: phoneNumbers!.filter((n) => n.type !== 'mobile') });
    expect(after.status).toBe(200);
    expect((await person('ana.garcia@example.com')).phoneNumbers).toEqual([{ type: 'fax', value: '+34910009999' }]);
    s = await stats(box.control);
    expect(s.requests.invalid).toBe(0);
    expect(s.state.identityChanges).toBe(1);
  });

  it('a person may have several e-mails: found by either, and a PUT that reorders them is an identity change', async () => {
    const two = await person('t.mails@example.org');
    expect(two.emails).toEqual(['two.mails@example.com', 't.mails@example.org']);
    const { id, emails, displayName, firstName, lastName, phoneNumbers } = two;
    const body = { emails, displayName, firstName, lastName, phoneNumbers };
    await raw(box.sim.baseUrl, 'PUT', `/people/${id}`, body);
    expect((await stats(box.control)).state.identityChanges).toBe(0);
    await raw(box.sim.baseUrl, 'PUT', `/people/${id}`, { ...body, emails: [...emails].reverse() });
    expect((await person('two.mails@example.com')).emails).toEqual(['t.mails@example.org', 'two.mails@example.com']);
    await raw(box.sim.baseUrl, 'PUT', `/people/${id}`, { ...body, firstName: undefined });
    expect((await stats(box.control)).state.identityChanges).toBe(2);
  });

  it('the people CSV seeds mobile, fax and extra e-mails', async () => {
    const file = join(tempDir('wbp-sim-seed-'), 'people.csv');
    writeFileSync(
      file,
      'email,display_name,mobile,fax,extra_emails\nana@example.com,Ana,+34600000001,+34910000009,ana.g@example.org;a@example.net\nbo@example.com,Bo,,,\n',
    );
    expect(await readPeopleSeed(file)).toEqual([
      {
        email: 'ana@example.com',
        displayName: 'Ana',
        mobile: '+34600000001',
        fax: '+34910000009',
        extraEmails: ['ana.g@example.org', 'a@example.net'],
        locationName: undefined,
        extension: undefined,
      },
      {
        email: 'bo@example.com',
        displayName: 'Bo',
        mobile: undefined,
        fax: undefined,
        extraEmails: undefined,
        locationName: undefined,
        extension: undefined,
      },
    ]);
  });
});
