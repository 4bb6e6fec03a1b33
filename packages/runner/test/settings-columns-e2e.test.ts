import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CanonicalColumn, LOCATION_COLUMNS, USER_SETTING_COLUMNS } from '@wbp/csv-contract';
import { readCsvRecords, RESULTS_COLUMNS } from '@wbp/files';
import { startSimulator, type StartedSimulator } from '@wbp/webex-sim';
import { assignmentRow, type InputCells, inputCsv, locationRow, userRow } from '../../../test-support/rows.js';
import { spawnWbp, workspace } from './helpers.js';

const TOKEN = 'e2e-settings-columns-token-7c2a';
const NEW_COLUMNS = USER_SETTING_COLUMNS.slice(5);
const HEADER: CanonicalColumn[] = [
  'entity_type',
  'location_key',
  ...LOCATION_COLUMNS,
  'email',
  'extension',
  'phone_number',
  ...NEW_COLUMNS,
];

/**
 * Each user asks for every new column (two variants, so each value kind is written); the third
 * asks the emergency callback number DIRECT_LINE without a phone number anywhere.
 */
const USERS: { email: string; phone: string; settings: InputCells }[] = [
  {
    email: 'a0@example.com',
    phone: '+34910000001',
    settings: {
      calling_settings_forward_busy: '1002',
      calling_settings_forward_no_answer: '+34 910 000 777',
      calling_settings_forward_no_answer_rings: '5',
      calling_settings_forward_business_continuity: 'off',
      calling_settings_voicemail_send_busy: 'yes',
      calling_settings_voicemail_send_unanswered: 'true',
      calling_settings_voicemail_rings: '4',
      calling_settings_voicemail_email_copy: 'A0.Copy@Example.com',
      calling_settings_outgoing_national: 'allow',
      calling_settings_outgoing_international: 'Allow',
      calling_settings_outgoing_premium: 'block',
      calling_settings_call_recording: 'Always with pause',
      calling_settings_ecbn: 'direct_line',
      calling_settings_hoteling: 'true',
      calling_settings_barge_in: 'false',
    },
  },
  {
    email: 'a1@example.com',
    phone: '',
    settings: {
      calling_settings_forward_busy: 'OFF',
      calling_settings_forward_no_answer: '1003',
      calling_settings_forward_no_answer_rings: '3',
      calling_settings_forward_business_continuity: '+12125550100',
      calling_settings_voicemail_send_busy: 'false',
      calling_settings_voicemail_send_unanswered: 'false',
      calling_settings_voicemail_rings: '',
      calling_settings_voicemail_email_copy: 'off',
      calling_settings_outgoing_national: 'BLOCK',
      calling_settings_outgoing_international: 'block',
      calling_settings_outgoing_premium: 'allow',
      calling_settings_call_recording: 'on_demand',
      calling_settings_ecbn: 'Location ECBN',
      calling_settings_hoteling: 'no',
      calling_settings_barge_in: 'sí',
    },
  },
  { email: 'a2@example.com', phone: '', settings: { calling_settings_ecbn: 'direct_line', calling_settings_call_recording: 'always' } },
];

/** What each setting must hold afterwards, read back from wbp-sim over HTTP: [setting, path, value]. */
const EXPECTED: Record<string, [string, string, unknown][]> = {
  'a0@example.com': [
    ['callForwarding', 'callForwarding.busy', { enabled: true, destination: '1002' }],
    ['callForwarding', 'callForwarding.noAnswer', { enabled: true, destination: '+34910000777', numberOfRings: 5 }],
    ['callForwarding', 'businessContinuity', { enabled: false }],
    ['voicemail', 'sendBusyCalls', { enabled: true }],
    ['voicemail', 'sendUnansweredCalls', { enabled: true, numberOfRings: 4 }],
    ['voicemail', 'emailCopyOfMessage', { enabled: true, emailId: 'a0.copy@example.com' }],
    ['outgoingPermission', 'NATIONAL', 'ALLOW'],
    ['outgoingPermission', 'INTERNATIONAL', 'ALLOW'],
    ['outgoingPermission', 'PREMIUM_SERVICES_I', 'BLOCK'],
    ['outgoingPermission', 'PREMIUM_SERVICES_II', 'BLOCK'],
    ['callRecording', '', { enabled: true, record: 'Always with Pause/Resume' }],
    ['emergencyCallbackNumber', '', { selected: 'DIRECT_LINE' }],
    ['hoteling', '', { enabled: true }],
    ['bargeIn', '', { enabled: false }],
  ],
  'a1@example.com': [
    ['callForwarding', 'callForwarding.busy', { enabled: false }],
    ['callForwarding', 'callForwarding.noAnswer', { enabled: true, destination: '1003', numberOfRings: 3 }],
    ['callForwarding', 'businessContinuity', { enabled: true, destination: '+12125550100' }],
    ['voicemail', 'sendBusyCalls', { enabled: false }],
    ['voicemail', 'sendUnansweredCalls', { enabled: false }],
    ['voicemail', 'emailCopyOfMessage', { enabled: false }],
    ['outgoingPermission', 'NATIONAL', 'BLOCK'],
    ['outgoingPermission', 'INTERNATIONAL', 'BLOCK'],
    ['outgoingPermission', 'PREMIUM_SERVICES_I', 'ALLOW'],
    ['outgoingPermission', 'PREMIUM_SERVICES_II', 'ALLOW'],
    ['callRecording', '', { enabled: true, record: 'On Demand with User Initiated Start' }],
    ['emergencyCallbackNumber', '', { selected: 'LOCATION_ECBN' }],
    ['hoteling', '', { enabled: false }],
    ['bargeIn', '', { enabled: true }],
  ],
};

function siteCsv(users = USERS, extensionBase = 4000): string {
  return inputCsv(
    [
      locationRow(),
      ...users.map((u) => userRow({ email: u.email, ...u.settings })),
      ...users.map((u, i) => assignmentRow({ email: u.email, extension: `${extensionBase + i}`, phone_number: u.phone })),
    ],
    HEADER,
  );
}

async function results(dir: string) {
  const out: Record<(typeof RESULTS_COLUMNS)[number], string>[] = [];
  if (existsSync(join(dir, 'results.csv'))) for await (const r of readCsvRecords(join(dir, 'results.csv'), RESULTS_COLUMNS)) out.push(r);
  return out;
}

describe('the 15 new settings columns (wbp run ↔ wbp-sim over HTTP)', () => {
  let sim: StartedSimulator;
  const env = () => ({ ENVIRONMENT: 'lab', WEBEX_BASE_URL: sim.baseUrl, WEBEX_TOKEN: TOKEN, BATCH_SIZE: '10', CONCURRENCY: '4' });
  const api = async (path: string) => {
    const response = await fetch(new URL(`/v1${path}`, sim.baseUrl), { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(200);
    return (await response.json()) as Record<string, unknown>;
  };
  const personId = async (email: string) => ((await api(`/people?email=${encodeURIComponent(email)}`)).items as { id: string }[])[0]!.id;
  const settingPath = (setting: string) =>
    setting === 'emergencyCallbackNumber' ? '/telephony/config/people/{id}/emergencyCallbackNumber' : `/people/{id}/features/${setting}`;
  const stats = async () => {
    const body = (await (await fetch(new URL('/_sim/stats', sim.baseUrl))).json()) as {
      requests: { byOperation: Record<string, number>; invalid: number };
    };
    const puts = Object.entries(body.requests.byOperation).filter(
      ([op]) => op.startsWith('PUT /people/{personId}/features/') || op.startsWith('PUT /telephony/config/people/{personId}/emergency'),
    );
    return { puts: Object.fromEntries(puts), total: puts.reduce((n, [, c]) => n + c, 0), invalid: body.requests.invalid };
  };

  beforeAll(async () => {
    sim = await startSimulator({
      token: TOKEN,
      people: [...USERS, { email: 'a3@example.com' }, { email: 'a4@example.com' }].map((u, i) => ({
        email: u.email,
        displayName: `Columns User ${i}`,
      })),
      numbers: ['+34910000001', '+34910000002'].map((phoneNumber) => ({ locationName: 'Madrid HQ', phoneNumber })),
    });
  });
  afterAll(() => sim.close());

  it('every column ends as the CSV asks; a second run sends no settings PUT; DIRECT_LINE without a number ends pending', async () => {
    const dir = await workspace({ 'site.csv': siteCsv() });
    const first = await spawnWbp(dir, ['run', 'site.csv', '--out', 'out1'], env());
    expect(first.stderr).toBe('');
    const rows1 = await results(join(dir, 'out1'));
    const byKey = (rows: typeof rows1, type: string, email: string) =>
      rows.find((r) => r.entity_type === type && r.entity_key.startsWith(email))!;

    // a0: the emergency callback number DIRECT_LINE is left to the assignment row (phase 3), which gives the number.
    expect(byKey(rows1, 'user', 'a0@').message).toMatch(/emergencyCallbackNumber left to the extension_assignment row \d+ \(DIRECT_LINE/);
    expect(byKey(rows1, 'extension_assignment', 'ES-MAD-01:4000')).toMatchObject({ status: 'success' });
    expect(byKey(rows1, 'extension_assignment', 'ES-MAD-01:4000').message).toMatch(
      /settings set: emergencyCallbackNumber \(selected: DIRECT_LINE\)/,
    );
    expect(byKey(rows1, 'user', 'a1@')).toMatchObject({ status: 'success' });
    // a2: no number anywhere: pending before anything is changed, saying what is missing.
    expect(byKey(rows1, 'user', 'a2@')).toMatchObject({ status: 'pending', step: 'user_lookup' });
    expect(byKey(rows1, 'user', 'a2@').message).toMatch(
      /^precondition_missing: the emergency callback number DIRECT_LINE needs a direct number.*add phone_number/,
    );

    for (const [email, expected] of Object.entries(EXPECTED)) {
      const id = await personId(email);
      for (const [setting, path, value] of expected) {
        const held = await api(settingPath(setting).replace('{id}', id));
        const at =
          setting === 'outgoingPermission'
            ? (held.callingPermissions as { callType: string; action: string }[]).find((p) => p.callType === path)?.action
            : path.split('.').reduce<unknown>((v, k) => (k ? (v as Record<string, unknown>)[k] : v), held);
        if (typeof value === 'object') expect(at, `${email} ${setting} ${path}`).toMatchObject(value as object);
        else expect(at, `${email} ${setting} ${path}`).toBe(value);
      }
    }
    const afterFirst = await stats();
    expect(afterFirst.invalid).toBe(0);

    const second = await spawnWbp(dir, ['run', 'site.csv', '--out', 'out2'], env());
    expect(second.stderr).toBe('');
    const afterSecond = await stats();
    expect(afterSecond.total - afterFirst.total).toBe(0);
    expect(afterSecond.invalid).toBe(0);
    const rows2 = await results(join(dir, 'out2'));
    expect(byKey(rows2, 'user', 'a0@').message).toMatch(
      /^Calling already enabled; already right: voicemail, callForwarding, outgoingPermission, callRecording, hoteling, bargeIn; emergencyCallbackNumber left to/,
    );
    expect(byKey(rows2, 'user', 'a1@').message).toBe(
      'Calling already enabled; already right: voicemail, callForwarding, outgoingPermission, callRecording, hoteling, bargeIn, emergencyCallbackNumber',
    );
    expect(byKey(rows2, 'extension_assignment', 'ES-MAD-01:4000').message).toBe(
      'extension/number already assigned; already right: emergencyCallbackNumber',
    );
    expect(byKey(rows2, 'user', 'a2@').message).toMatch(/^precondition_missing: /);
  }, 120_000);

  it('an org without a call recording vendor: Webex refuses call recording, the row ends pending out_of_scope with its reason, the other settings applied', async () => {
    const configured = await fetch(new URL('/_sim/config', sim.baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ callRecordingVendor: false }),
    });
    expect(configured.ok).toBe(true);
    const [a0, a1] = USERS;
    const csv = siteCsv(
      [
        { email: 'a3@example.com', phone: '+34910000002', settings: { ...a0!.settings, calling_settings_call_recording: 'off' } },
        { ...a1!, email: 'a4@example.com' },
      ],
      4100,
    );
    const dir = await workspace({ 'site.csv': csv });
    const run = await spawnWbp(dir, ['run', 'site.csv', '--out', 'out'], env());
    expect(run.stderr).toBe('');
    const rows = await results(join(dir, 'out'));
    // a4 asks on_demand: refused. a3 asks off (recording is not enabled): nothing to refuse.
    const a4 = rows.find((r) => r.entity_type === 'user' && r.entity_key === 'a4@example.com')!;
    expect(a4).toMatchObject({ status: 'pending' });
    expect(a4.message).toMatch(
      /^half_applied: calling licence assigned, .* applied; user_apply_calling_settings failed \(out_of_scope\): Webex refused a setting .*callRecording \(calling_settings_call_recording\): .*no call recording vendor/,
    );
    expect(rows.find((r) => r.entity_type === 'user' && r.entity_key === 'a3@example.com')).toMatchObject({ status: 'success' });
    const id = await personId('a4@example.com');
    expect(await api(`/people/${id}/features/hoteling`)).toMatchObject({ enabled: false });
    expect(await api(`/people/${id}/features/bargeIn`)).toMatchObject({ enabled: true });
    expect((await stats()).invalid).toBe(0);
  }, 120_000);
});
