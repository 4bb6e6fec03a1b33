import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { assignment, run, site, tmpOut, useInProcessSim, user } from './fixtures.js';
import { readPending, readResults } from './outputs-read.js';

const { sim, server } = useInProcessSim();

const byRow = async (outDir: string) => new Map((await readResults(outDir)).map((r) => [Number(r.row_id), r]));

describe('term sheet 17.2 behaviours (msw + in-process simulator)', () => {
  it('creates and Calling-enables a location, enables Calling for an existing user with settings, assigns a number and caller id', async () => {
    const rows = [
      site('Madrid HQ'),
      user('ana.garcia@example.com', 'Madrid HQ', {
        calling_settings_call_waiting: 'false',
        calling_settings_do_not_disturb: 'true',
        calling_settings_voicemail: 'false',
      }),
      assignment('ana.garcia@example.com', 'Madrid HQ', {
        extension: '1001',
        phone_number: '+34910000001',
        caller_id_selected: 'DIRECT_LINE',
      }),
    ];
    const { result, outDir } = await run(rows);
    expect(result).toMatchObject({ status: 'completed', success: 3, pending: 0 });
    const results = await byRow(outDir);
    const locationId = results.get(1)!.remote_id;
    expect(sim.org.callingLocations.has(locationId)).toBe(true);
    const ana = [...sim.org.people.values()].find((p) => p.email === 'ana.garcia@example.com')!;
    expect(ana.calling).toMatchObject({ locationId, extension: '1001', workNumber: '+34910000001' });
    expect(ana.settings?.callWaiting).toEqual({ enabled: false });
    expect(ana.settings?.doNotDisturb).toMatchObject({ enabled: true });
    expect(ana.settings?.voicemail).toMatchObject({ enabled: false });
    expect(ana.settings?.callerId).toMatchObject({ selected: 'DIRECT_LINE' });
    expect(results.get(2)!.remote_id).toBe(ana.id);
    const stats = sim.stats();
    expect(stats.requests.invalid).toBe(0);
    expect(stats.state.identityChanges).toBe(0);
    expect(JSON.parse(readFileSync(join(outDir, 'checkpoint.json'), 'utf8'))).toMatchObject({ phase: 3, last_row_id: 3 });
  });

  it('updates a location that differs, and re-running the same rows creates and assigns nothing twice', async () => {
    const outDir = tmpOut();
    await run([site('Madrid HQ')], { outDir });
    const { result } = await run([site('Madrid HQ', { time_zone: 'Atlantic/Canary' })], { outDir: tmpOut() });
    expect(result.success).toBe(1);
    expect([...sim.org.locations.values()][0]!.timeZone).toBe('Atlantic/Canary');
    const before = sim.stats().requests.byOperation;
    const rows = [
      site('Madrid HQ', { time_zone: 'Atlantic/Canary' }),
      user('ana.garcia@example.com', 'Madrid HQ'),
      assignment('ana.garcia@example.com', 'Madrid HQ', { extension: '1001' }),
    ];
    await run(rows, { outDir: tmpOut() });
    const second = await run(rows, { outDir: tmpOut() });
    expect(second.result).toMatchObject({ success: 3, pending: 0 });
    const after = sim.stats();
    expect(after.requests.byOperation['POST /locations']).toBe(before['POST /locations']);
    expect(after.requests.byOperation['PATCH /licenses/users']).toBe(1);
    expect(after.state).toMatchObject({ duplicateLocationNames: 0, duplicateLicenseAssignments: 0 });
  });

  it('429 → waits → success', async () => {
    let limited = 0;
    server.use(
      http.post('*/v1/locations', () => {
        if (limited++ === 0) return new HttpResponse(null, { status: 429, headers: { 'Retry-After': '0' } });
        return undefined;
      }),
    );
    const { result } = await run([site('Madrid HQ')]);
    expect(result).toMatchObject({ success: 1, pending: 0 });
    expect(sim.stats().state.locations).toBe(1);
  });

  it('5xx on every attempt → pending retry_exhausted with step and http_status', async () => {
    server.use(http.get('*/v1/people', () => HttpResponse.json({ message: 'busy' }, { status: 503, headers: { trackingid: 'NA_503' } })));
    const { result, outDir } = await run([site('Madrid HQ'), user('ana.garcia@example.com', 'Madrid HQ')]);
    expect(result.byReason).toEqual({ retry_exhausted: 1 });
    const [pending] = await readPending(outDir);
    expect(pending).toMatchObject({ row_id: '2', step: 'user_lookup', reason_code: 'retry_exhausted', http_status: '503' });
    expect(pending!.reason_message).toContain('trackingId NA_503');
  });

  it.each([
    [400, 'non_retryable_external'],
    [403, 'permission_denied'],
    [401, 'auth_invalid'],
  ] as const)('a %i is not retried and ends %s', async (status, reason) => {
    let calls = 0;
    server.use(
      http.get('*/v1/people', () => {
        calls++;
        return HttpResponse.json({ message: 'no' }, { status });
      }),
    );
    const { result } = await run([user('ana.garcia@example.com', 'Madrid HQ')]);
    expect(result.byReason).toEqual({ [reason]: 1 });
    expect(calls).toBe(1);
  });

  it('a user missing from the directory → pending user_not_found; the run goes on', async () => {
    const { result, outDir } = await run([
      site('Madrid HQ'),
      user('ghost@example.com', 'Madrid HQ'),
      user('john.smith@example.com', 'Madrid HQ', { calling_enabled: 'false' }),
    ]);
    expect(result).toMatchObject({ success: 2, pending: 1, byReason: { user_not_found: 1 } });
    expect((await readPending(outDir))[0]).toMatchObject({ entity_key: 'ghost@example.com', step: 'user_lookup' });
  });

  it('enable Calling without an extension_assignment row → precondition_missing naming what to add', async () => {
    const { result, outDir } = await run([site('Madrid HQ'), user('ana.garcia@example.com', 'Madrid HQ')]);
    expect(result.byReason).toEqual({ precondition_missing: 1 });
    const [pending] = await readPending(outDir);
    expect(pending).toMatchObject({ step: 'user_enable_calling', reason_code: 'precondition_missing' });
    expect(pending!.reason_message).toMatch(/add an extension_assignment row for ana.garcia@example.com/);
  });

  it('precondition_missing when the location is not Calling-enabled, the extension is taken, or the number is not in inventory', async () => {
    const rows = [
      site('Madrid HQ'),
      user('ana.garcia@example.com', 'Nowhere'),
      assignment('ana.garcia@example.com', 'Nowhere', { extension: '1001' }),
      assignment('john.smith@example.com', 'Madrid HQ', { extension: '1999' }),
      assignment('maria.lopez@example.com', 'Madrid HQ', { phone_number: '+34919999999' }),
    ];
    const { result, outDir } = await run(rows);
    expect(result.byReason).toEqual({ precondition_missing: 4 });
    const messages = (await readPending(outDir)).map((p) => p.reason_message).join('\n');
    expect(messages).toMatch(/location "Nowhere" does not exist/);
    expect(messages).toMatch(/extension 1999 in "Madrid HQ" is already assigned to Old Timer/);
    expect(messages).toMatch(/\+34919999999 is not in the number inventory of "Madrid HQ"/);
  });

  it('an extension taken is found from the org state before the licence PATCH: precondition_missing, no Webex code needed', async () => {
    const rows = [
      site('Madrid HQ'),
      user('ana.garcia@example.com', 'Madrid HQ'),
      assignment('ana.garcia@example.com', 'Madrid HQ', { extension: '1999' }),
    ];
    const { result, outDir } = await run(rows);
    expect(result.byReason).toEqual({ precondition_missing: 2 });
    const [first] = await readPending(outDir);
    expect(first).toMatchObject({ step: 'user_enable_calling', http_status: '' });
    expect(first!.reason_message).toMatch(/extension 1999 in "Madrid HQ" is already assigned to Old Timer/);
    expect(sim.stats().requests.byOperation['PATCH /licenses/users']).toBeUndefined();
  });

  it('a number not in the location inventory is found before the licence PATCH, and a refusal wbp cannot foresee ends non_retryable_external with Webex code and message', async () => {
    const { result, outDir } = await run([
      site('Madrid HQ'),
      user('ana.garcia@example.com', 'Madrid HQ'),
      assignment('ana.garcia@example.com', 'Madrid HQ', { phone_number: '+34919999999' }),
    ]);
    expect(result.byReason).toEqual({ precondition_missing: 2 });
    expect((await readPending(outDir))[0]!.reason_message).toMatch(/\+34919999999 is not in the number inventory of "Madrid HQ"/);
    expect(sim.stats().requests.byOperation['PATCH /licenses/users']).toBeUndefined();

    server.use(
      http.patch('*/v1/licenses/users', () =>
        HttpResponse.json(
          { message: 'Something new', errors: [{ errorCode: 4202, description: 'Extension in use' }], trackingId: 'T1' },
          { status: 400 },
        ),
      ),
    );
    const second = await run([
      site('Madrid HQ'),
      user('john.smith@example.com', 'Madrid HQ'),
      assignment('john.smith@example.com', 'Madrid HQ', { extension: '1005' }),
    ]);
    const [refused] = await readPending(second.outDir);
    expect(refused).toMatchObject({ step: 'user_enable_calling', reason_code: 'non_retryable_external', http_status: '400' });
    expect(refused!.reason_message).toMatch(/Something new.*errorCodes 4202.*errorCode 4202 means the extension is already in use/);
  });

  it('phase 3 spends no request on a line phase 2 just assigned (one lookup per person, not two)', async () => {
    const rows = [
      site('Madrid HQ'),
      user('ana.garcia@example.com', 'Madrid HQ'),
      user('john.smith@example.com', 'Madrid HQ'),
      assignment('ana.garcia@example.com', 'Madrid HQ', { extension: '1001' }),
      assignment('john.smith@example.com', 'Madrid HQ', {
        extension: '1002',
        phone_number: '+34910000001',
        caller_id_selected: 'DIRECT_LINE',
      }),
    ];
    const { result } = await run(rows);
    expect(result).toMatchObject({ success: 5, pending: 0 });
    const ops = sim.stats().requests.byOperation;
    expect(ops['GET /people']).toBe(2);
    expect(ops['PATCH /licenses/users']).toBe(2);
    // One inventory listing for the location serves every row (not one lookup per row).
    expect(ops['GET /telephony/config/numbers']).toBe(1);
    expect(ops['PUT /people/{personId}/features/callerId']).toBe(1);
  });

  it('a later setting failing after Calling was enabled → half_applied naming what was applied and what failed', async () => {
    server.use(http.put('*/v1/people/:id/features/callWaiting', () => HttpResponse.json({ message: 'nope' }, { status: 400 })));
    const rows = [
      site('Madrid HQ'),
      user('ana.garcia@example.com', 'Madrid HQ', { calling_settings_call_waiting: 'true' }),
      assignment('ana.garcia@example.com', 'Madrid HQ', { extension: '1001' }),
    ];
    const { result, outDir } = await run(rows);
    expect(result.byReason).toEqual({ half_applied: 1 });
    const [pending] = await readPending(outDir);
    expect(pending).toMatchObject({ step: 'user_apply_calling_settings', reason_code: 'half_applied', http_status: '400' });
    expect(pending!.reason_message).toMatch(
      /calling licence assigned applied; user_apply_calling_settings failed \(non_retryable_external\)/,
    );
  });

  it('changes the extension of an existing Calling user through the People PUT without touching identity', async () => {
    await run([
      site('Madrid HQ'),
      user('ana.garcia@example.com', 'Madrid HQ'),
      assignment('ana.garcia@example.com', 'Madrid HQ', { extension: '1001' }),
    ]);
    const { result } = await run([
      site('Madrid HQ'),
      assignment('ana.garcia@example.com', 'Madrid HQ', { extension: '1002', phone_number: '+34910000002' }),
    ]);
    expect(result).toMatchObject({ success: 2, pending: 0 });
    const ana = [...sim.org.people.values()].find((p) => p.email === 'ana.garcia@example.com')!;
    expect(ana.calling).toMatchObject({ extension: '1002', workNumber: '+34910000002' });
    expect(ana.displayName).toBe('Ana García');
    expect(sim.stats().state.identityChanges).toBe(0);
    expect(sim.stats().requests.byOperation['PUT /people/{personId}']).toBe(1);
  });
});

describe('unknown outcomes are looked up, never replayed', () => {
  it('apply-then-drop on every mutation: zero duplicate locations and zero double licence assignments', async () => {
    sim.configure({ applyThenDropRate: 1, duplicateLocationNames: 'allow' });
    try {
      const rows = [
        site('Madrid HQ'),
        site('Sevilla'),
        user('ana.garcia@example.com', 'Madrid HQ'),
        assignment('ana.garcia@example.com', 'Madrid HQ', { extension: '1001' }),
      ];
      const { result } = await run(rows);
      expect(result).toMatchObject({ success: 4, pending: 0 });
    } finally {
      sim.configure({ applyThenDropRate: 0, duplicateLocationNames: 'reject' });
    }
    expect(sim.stats().state).toMatchObject({
      locations: 2,
      callingLocations: 2,
      duplicateLocationNames: 0,
      callingUsers: 2,
      duplicateLicenseAssignments: 0,
    });
  });
});

describe('late apply: a gateway answers 504 at once, the backend applies the change later', () => {
  it('every create, Calling enable and licence assignment applied late is found by the settle lookups: one send each, no duplicate', async () => {
    sim.configure({ lateApplyRate: 1, lateApplyMs: 400, duplicateLocationNames: 'allow' });
    try {
      const rows = [
        site('Madrid HQ'),
        user('ana.garcia@example.com', 'Madrid HQ'),
        assignment('ana.garcia@example.com', 'Madrid HQ', { extension: '1001' }),
      ];
      const { result } = await run(rows, { config: { settle: { windowMs: 5_000, firstDelayMs: 100 } } });
      expect(result).toMatchObject({ success: 3, pending: 0 });
    } finally {
      sim.configure({ lateApplyRate: 0, duplicateLocationNames: 'reject' });
    }
    const { requests, state } = sim.stats();
    expect(requests.byOperation).toMatchObject({ 'POST /locations': 1, 'POST /telephony/config/locations': 1, 'PATCH /licenses/users': 1 });
    // Ana, plus the seeded Calling user of Madrid HQ.
    expect(state).toMatchObject({
      locations: 1,
      callingLocations: 1,
      duplicateLocationNames: 0,
      callingUsers: 2,
      duplicateLicenseAssignments: 0,
    });
  });

  it('the next phase does not wait for rows still settling: an independent row goes ahead, a dependent one waits for its person', async () => {
    const rows = [
      site('Madrid HQ'),
      user('ana.garcia@example.com', 'Madrid HQ'),
      assignment('ana.garcia@example.com', 'Madrid HQ', { extension: '1001' }),
      // Independent of Ana's phase-2 row: a person whose line is already right.
      assignment('old.timer@example.com', 'Madrid HQ', { extension: '1999' }),
    ];
    const outDir = tmpOut();
    await run([rows[0]!], { outDir: tmpOut() }); // the location exists already: phase 1 has nothing to settle
    sim.configure({ lateApplyRate: 1, lateApplyMs: 600 });
    try {
      const { result } = await run(rows, { outDir, config: { settle: { windowMs: 5_000, firstDelayMs: 100 } } });
      expect(result).toMatchObject({ status: 'completed', success: 4, pending: 0 });
    } finally {
      sim.configure({ lateApplyRate: 0 });
    }
    const order = (await readResults(outDir)).map((r) => Number(r.row_id));
    const [, anaUser, anaLine, oldTimer] = rows.map((r) => r.rowId);
    // The independent phase-3 row ended while Ana's phase-2 licence was still settling; Ana's line only after it.
    expect(order.indexOf(oldTimer!)).toBeLessThan(order.indexOf(anaUser!));
    expect(order.indexOf(anaLine!)).toBeGreaterThan(order.indexOf(anaUser!));
    expect(JSON.parse(readFileSync(join(outDir, 'checkpoint.json'), 'utf8'))).toMatchObject({ phase: 3 });
    expect(sim.stats().state).toMatchObject({ callingUsers: 2, duplicateLicenseAssignments: 0 });
    expect(sim.stats().requests.byOperation['PATCH /licenses/users']).toBe(1);
  });
});

describe('safe compensation (ENABLE_SAFE_COMPENSATION)', () => {
  it.each([
    [false, 1, /location_create applied; location_enable_calling failed/],
    [true, 0, /Compensation: the location created by this row .* was deleted/],
  ] as const)('enabled=%s: a failed Calling enable leaves %i locations', async (enabled, locations, message) => {
    server.use(http.post('*/v1/telephony/config/locations', () => HttpResponse.json({ message: 'bad' }, { status: 400 })));
    const { result, outDir } = await run([site('Madrid HQ')], { config: { enableSafeCompensation: enabled } });
    expect(result.byReason).toEqual({ half_applied: 1 });
    expect(sim.stats().state.locations).toBe(locations);
    expect((await readPending(outDir))[0]!.reason_message).toMatch(message);
  });
});
