import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readReadyRows } from '@wbp/csv-contract';
import { generateSite, writeSite } from '@wbp/gen';
import { readNumbersSeed, readPeopleSeed, startSimulator, type StartedSimulator } from '@wbp/webex-sim';
import { PENDING_COLUMNS, readCsvRecords, REJECTED_COLUMNS, RESULTS_COLUMNS } from '@wbp/files';
import { PLAN_COLUMNS } from '../src/run/plan-report.js';
import { spawnWbp, wbp, workspace } from './helpers.js';

const TOKEN = 'e2e-plan-token-7c2a';
const DEMO = resolve(import.meta.dirname, '../../../examples/demo');

type PlanRecord = Record<(typeof PLAN_COLUMNS)[number], string>;

async function records<C extends readonly string[]>(path: string, columns: C): Promise<Record<C[number], string>[]> {
  const out: Record<C[number], string>[] = [];
  if (existsSync(path)) for await (const r of readCsvRecords(path, columns)) out.push(r);
  return out;
}

async function planRows(dir: string): Promise<Map<string, PlanRecord>> {
  return new Map((await records(join(dir, 'plan.csv'), PLAN_COLUMNS)).map((r) => [r.row_id, r]));
}

/** Each row's final (status, reason_code) after a run: results.csv (latest line wins) and rejected_rows.csv. */
async function runOutcomes(dir: string): Promise<Map<string, { status: string; reason: string; message: string }>> {
  const out = new Map<string, { status: string; reason: string; message: string }>();
  const pending = new Map<string, string>();
  for (const r of await records(join(dir, 'pending_rows.csv'), PENDING_COLUMNS)) pending.set(r.row_id, r.reason_code);
  for (const r of await records(join(dir, 'results.csv'), RESULTS_COLUMNS))
    out.set(r.row_id, { status: r.status, reason: r.status === 'pending' ? (pending.get(r.row_id) ?? '?') : '', message: r.message });
  for (const r of await records(join(dir, 'rejected_rows.csv'), REJECTED_COLUMNS))
    out.set(r.row_id, { status: 'rejected', reason: r.reason_code, message: r.reason_message });
  return out;
}

/** Every request the simulator saw, by operation (`GET /people`, `POST /locations`…), from `mark` on. */
class Requests {
  readonly seen: string[] = [];
  readonly hook = (operation: string) => void this.seen.push(operation);
  since(mark: number): string[] {
    return this.seen.slice(mark);
  }
}

/** Read-only: GETs, plus Webex's read-only actions (validate extensions). */
const READ_ONLY = /^GET |\/actions\/validateExtensions\/invoke$/;

/** The parts of the org a run changes, as the simulator holds them. */
function orgSnapshot(sim: StartedSimulator): string {
  const org = sim.sim.org;
  return JSON.stringify({
    locations: [...org.locations.values()],
    calling: [...org.callingLocations.keys()],
    people: [...org.people.values()],
    numbers: [...org.numbers.values()],
    licences: org.licenses,
  });
}

interface Compared {
  rows: number;
  /** Rows whose plan detail says "known after apply". */
  afterApply: number;
  /** Of those, rows the run ended otherwise than planned, in the way the detail warned of. */
  differedAfterApply: string[];
  mismatches: string[];
}

/**
 * Every row of the plan against the run: (expected_status, reason_code) = (status, reason_code).
 * A row whose plan detail says "known after apply" may differ only in the way the detail warns of.
 */
function compare(plan: Map<string, PlanRecord>, run: Map<string, { status: string; reason: string; message: string }>): Compared {
  const mismatches: string[] = [];
  const differedAfterApply: string[] = [];
  let afterApply = 0;
  for (const [rowId, p] of plan) {
    const r = run.get(rowId);
    if (!r) {
      mismatches.push(`row ${rowId}: planned ${p.expected_status}, no outcome in the run`);
      continue;
    }
    if (p.detail.includes('known after apply')) afterApply++;
    if (r.status !== p.expected_status || r.reason !== p.reason_code) {
      if (
        p.detail.includes('known after apply') &&
        r.status === 'pending' &&
        r.reason === 'precondition_missing' &&
        /inventory|already assigned/.test(r.message)
      ) {
        differedAfterApply.push(`row ${rowId}: ${r.message}`);
        continue;
      }
      mismatches.push(
        `row ${rowId} (${p.entity_type} ${p.entity_key}): planned ${p.expected_status}/${p.reason_code} (${p.action}: ${p.detail}), run ${r.status}/${r.reason} (${r.message})`,
      );
    }
  }
  expect(run.size).toBe(plan.size);
  return { rows: plan.size, afterApply, differedAfterApply, mismatches };
}

/** Row ids of the user and assignment rows of people whose user row and assignment row ask for different caller IDs. */
async function supersededCallerIdRows(readyPath: string): Promise<Set<string>> {
  const byEmail = new Map<string, { rowId: number; value: string }[]>();
  for await (const r of readReadyRows(readyPath)) {
    const value =
      r.entity_type === 'user' ? r.calling_settings_caller_id : r.entity_type === 'extension_assignment' ? r.caller_id_selected : '';
    if (!value || !r.email) continue;
    byEmail.set(r.email, [...(byEmail.get(r.email) ?? []), { rowId: r.row_id, value }]);
  }
  const out = new Set<string>();
  for (const asks of byEmail.values()) if (new Set(asks.map((a) => a.value)).size > 1) for (const a of asks) out.add(String(a.rowId));
  return out;
}

let sim: StartedSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('wbp plan: command line', () => {
  it('a usage mistake exits 2 and writes no plan.json (how a workflow tells it from "changes planned"); --help shows the usage', async () => {
    const dir = await workspace({ 'site.csv': 'entity_type\n' });
    const env = { ENVIRONMENT: 'lab', WEBEX_TOKEN: TOKEN, WEBEX_BASE_URL: 'http://127.0.0.1:9/v1' };
    for (const args of [
      ['plan', 'site.csv'],
      ['plan', 'site.csv', '--out', 'p', '--format', 'xml'],
      ['plan', '--out', 'p'],
      ['plan', 'site.csv', '--out', 'p', '--bogus'],
    ]) {
      const r = await wbp(args, { cwd: dir, env });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^wbp plan: /);
      expect(existsSync(join(dir, 'p', 'plan.json'))).toBe(false);
    }
    const help = await wbp(['plan', '--help'], { cwd: dir, env });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: wbp plan <csv> --out <dir> \[--format text\|github\] \[--detailed-exitcode\]/);
    expect((await wbp(['--help'], { cwd: dir, env })).stdout).toMatch(/\n {2}plan +what wbp run would do/);
  });
});

describe('wbp plan ↔ wbp run over HTTP against wbp-sim', () => {
  it('demo site: a plan sends only reads and changes nothing; the run (with --plan) ends every row as planned; a second plan is no_change for every success row', async () => {
    const requests = new Requests();
    sim = await startSimulator({
      token: TOKEN,
      seed: 7,
      people: await readPeopleSeed(join(DEMO, 'people.csv')),
      numbers: await readNumbersSeed(join(DEMO, 'numbers.csv')),
      callingLicenses: 1000,
      onRequest: requests.hook,
    });
    const dir = await workspace({ 'site.csv': await readFile(join(DEMO, 'site.csv'), 'utf8') });
    const env = { ENVIRONMENT: 'lab', WEBEX_BASE_URL: sim.baseUrl, WEBEX_TOKEN: TOKEN };

    const before = orgSnapshot(sim);
    const first = await spawnWbp(dir, ['plan', 'site.csv', '--out', 'plan1', '--detailed-exitcode'], env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(2); // changes planned
    const planReqs = requests.since(0);
    expect(planReqs.length).toBeGreaterThan(0);
    expect(planReqs.filter((op) => !READ_ONLY.test(op))).toEqual([]);
    expect(orgSnapshot(sim)).toBe(before);

    const plan1 = await planRows(join(dir, 'plan1'));
    const doc = JSON.parse(await readFile(join(dir, 'plan1', 'plan.json'), 'utf8')) as {
      csvSha256: string;
      environment: string;
      changes: number;
      counts: { byExpectedStatus: Record<string, number> };
    };
    expect(doc.environment).toBe('lab');
    expect(doc.changes).toBeGreaterThan(0);
    expect([...plan1.values()].filter((r) => r.expected_status === 'rejected').length).toBeGreaterThan(0);
    expect([...plan1.values()].filter((r) => r.expected_status === 'pending').length).toBeGreaterThan(0);

    const run = await spawnWbp(dir, ['run', 'site.csv', '--out', 'run', '--plan', 'plan1/plan.json', '--progress', 'off'], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(10);
    const compared = compare(plan1, await runOutcomes(join(dir, 'run')));
    expect(compared.mismatches).toEqual([]);
    // The demo's locations are new, so its rows' lines are "known after apply"; none of them ends
    // otherwise: on the demo the plan equals the run for every row.
    expect(compared.afterApply).toBeGreaterThan(0);
    expect(compared.differedAfterApply).toEqual([]);

    const mark = requests.seen.length;
    const second = await spawnWbp(dir, ['plan', 'site.csv', '--out', 'plan2', '--detailed-exitcode'], env);
    expect(second.stderr).toBe('');
    expect(requests.since(mark).filter((op) => !READ_ONLY.test(op))).toEqual([]);
    const plan2 = await planRows(join(dir, 'plan2'));
    const ran = await runOutcomes(join(dir, 'run'));
    // The demo asks, for a few people, one caller ID on the user row and another on the assignment
    // row: the assignment row's is the final one, the user row's is never applied (so nothing flips
    // back and forth between runs), and the plan says so before any run.
    const superseded = await supersededCallerIdRows(join(dir, 'plan2', 'ready_to_load.csv'));
    expect(superseded.size).toBeGreaterThan(0);
    const noted = (JSON.parse(await readFile(join(dir, 'plan1', 'plan.json'), 'utf8')) as { warnings: string[] }).warnings;
    expect(noted).toHaveLength(superseded.size / 2);
    const notNoChange = [...ran]
      .filter(([id, r]) => r.status === 'success' && plan2.get(id)?.action !== 'no_change')
      .map(([id]) => `${id}: ${plan2.get(id)!.action} ${plan2.get(id)!.detail}`);
    expect(notNoChange).toEqual([]);
    // What is left to change is only on rows the run could not finish: here a user row that asked for
    // settings while its Calling was off, whose Calling its assignment row then enabled (phase 3).
    const left = [...plan2.values()].filter((p) => p.expected_status === 'success' && p.action !== 'no_change');
    expect(left.map((p) => ran.get(p.row_id)?.status)).toEqual(['pending']);
    expect(second.code).toBe(2);
  }, 180_000);

  it('generated site with a conflict of every kind: plan equals run row by row (run at concurrency 1), then no_change', async () => {
    const site = generateSite({ rows: 320, seed: 13 });
    const dir = await workspace({});
    const paths = await writeSite(join(dir, 'gen'), site);
    const people = await readPeopleSeed(paths.people);
    const numbers = await readNumbersSeed(paths.numbers);
    const lines = (await readFile(paths.input, 'utf8')).trimEnd().split('\n');
    const header = lines[0]!.split(',');
    const col = (name: string) => header.indexOf(name);
    const cells = (over: Record<string, string>) => header.map((h) => over[h] ?? '').join(',');
    const locationRow = lines.find((l) => l.startsWith('location,'))!.split(',');
    const key = locationRow[col('location_external_id')] || locationRow[col('location_name')]!;

    // Number not in the location's inventory: one assignment row asks for a number nobody delivered.
    const withNumber = lines.findIndex(
      (l, i) => i > 0 && l.startsWith('extension_assignment,') && l.split(',')[col('phone_number')] !== '' && !l.includes('"'),
    );
    expect(withNumber).toBeGreaterThan(0);
    const moved = lines[withNumber]!.split(',');
    const phone = moved[col('phone_number')]!;
    const undelivered = phone.slice(0, -3) + (phone.endsWith('999') ? '998' : '999');
    expect(numbers.some((n) => n.phoneNumber === undelivered)).toBe(false);
    moved[col('phone_number')] = undelivered;
    lines[withNumber] = moved.join(',');
    // User not in the directory.
    lines.push(cells({ entity_type: 'user', location_key: key, email: 'ghost.user@example.com', calling_enabled: 'true' }));
    lines.push(cells({ entity_type: 'extension_assignment', location_key: key, email: 'ghost.user@example.com', extension: '7999' }));
    // A rejected location row (bad time zone) and rows that depend on it (people who are in the directory).
    lines.push(
      cells({
        entity_type: 'location',
        location_name: 'Nowhere Depot',
        location_external_id: 'XX-NOWHERE',
        time_zone: 'Mars/Olympus',
        preferred_language: 'es_es',
        announcement_language: 'es_es',
        address_line1: 'Calle 1',
        address_city: 'Madrid',
        address_state: 'Madrid',
        address_postal_code: '28001',
        address_country: 'ES',
      }),
    );
    lines.push(cells({ entity_type: 'user', location_key: 'XX-NOWHERE', email: 'orphan.user@example.com', calling_enabled: 'true' }));
    lines.push(
      cells({ entity_type: 'extension_assignment', location_key: 'XX-NOWHERE', email: 'orphan.user@example.com', extension: '7998' }),
    );
    people.push({ email: 'orphan.user@example.com', displayName: 'Orphan User' });
    const csv = `${lines.join('\n')}\n`;
    await writeFile(join(dir, 'site.csv'), csv);
    // The locations exist before the plan (switched on by an earlier run of the location rows): the
    // plan then reads their number inventories and the extensions held there instead of saying
    // "known after apply" (the demo test covers locations the plan would create).
    await writeFile(
      join(dir, 'locations.csv'),
      `${[lines[0], ...lines.filter((l) => l.startsWith('location,') && !l.includes('XX-NOWHERE'))].join('\n')}\n`,
    );

    // Licence units: the seeded Calling users' plus a few fewer than the CSV's users need.
    const seededCalling = people.filter((p) => p.locationName && p.extension).length;
    const directory = new Set(people.map((p) => p.email.toLowerCase()));
    const seededEmails = new Set(people.filter((p) => p.extension).map((p) => p.email.toLowerCase()));
    const wanting = new Set(
      lines
        .filter((l) => l.startsWith('user,'))
        .map((l) => l.split(',')[col('email')]!.toLowerCase())
        .filter((e) => directory.has(e) && !seededEmails.has(e)),
    );
    const requests = new Requests();
    sim = await startSimulator({
      token: TOKEN,
      seed: 3,
      people,
      numbers,
      callingLicenses: seededCalling + wanting.size - 12,
      onRequest: requests.hook,
    });
    const env = { ENVIRONMENT: 'lab', WEBEX_BASE_URL: sim.baseUrl, WEBEX_TOKEN: TOKEN, CONCURRENCY: '1', CONCURRENCY_MAX: '1' };
    const pre = await spawnWbp(dir, ['run', 'locations.csv', '--out', 'pre', '--progress', 'off'], env);
    expect(pre.code).toBe(0);

    const mark = requests.seen.length;
    const before = orgSnapshot(sim);
    const planned = await spawnWbp(dir, ['plan', 'site.csv', '--out', 'plan1', '--format', 'github'], env);
    expect(planned.stderr).toBe('');
    expect(planned.code).toBe(0);
    expect(requests.since(mark).filter((op) => !READ_ONLY.test(op))).toEqual([]);
    expect(orgSnapshot(sim)).toBe(before);
    expect(planned.stdout).toMatch(/::warning file=site\.csv,line=\d+,title=row \d+ would be pending \(user_not_found\)::/);
    expect(planned.stdout).toMatch(/::error file=site\.csv,line=\d+,title=row \d+ would be rejected/);

    const plan1 = await planRows(join(dir, 'plan1'));
    const all = [...plan1.values()];
    // Every kind of conflict is in the plan.
    expect(all.some((r) => r.reason_code === 'user_not_found')).toBe(true);
    expect(all.some((r) => /extension \d+ in ".*" is already assigned/.test(r.detail))).toBe(true);
    expect(all.some((r) => /is not in the number inventory/.test(r.detail))).toBe(true);
    expect(all.some((r) => /licence units left/.test(r.detail))).toBe(true);
    expect(all.some((r) => r.expected_status === 'rejected' && r.entity_type === 'location')).toBe(true);
    expect(
      all.some(
        (r) => r.entity_key.startsWith('orphan.user@') && r.expected_status === 'pending' && r.reason_code === 'precondition_missing',
      ),
    ).toBe(true);
    expect(all.filter((r) => r.detail.includes('known after apply'))).toEqual([]);
    const doc = JSON.parse(await readFile(join(dir, 'plan1', 'plan.json'), 'utf8')) as {
      licences: { freeUnits: number; unitsNeeded: number }[];
      licenceUnitsShort: number;
    };
    expect(doc.licences[0]!.unitsNeeded).toBe(doc.licences[0]!.freeUnits);
    expect(doc.licenceUnitsShort).toBeGreaterThan(0);

    const run = await spawnWbp(dir, ['run', 'site.csv', '--out', 'run', '--plan', 'plan1/plan.json', '--progress', 'off'], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(10);
    const compared = compare(plan1, await runOutcomes(join(dir, 'run')));
    expect(compared.mismatches).toEqual([]);
    expect(compared.afterApply).toBe(0);

    const second = await spawnWbp(dir, ['plan', 'site.csv', '--out', 'plan2', '--detailed-exitcode'], env);
    expect(second.code).toBe(0);
    const plan2 = await planRows(join(dir, 'plan2'));
    const ran = await runOutcomes(join(dir, 'run'));
    expect(
      [...ran]
        .filter(([id, r]) => r.status === 'success' && plan2.get(id)?.action !== 'no_change')
        .map(([id]) => `${id}: ${plan2.get(id)?.detail}`),
    ).toEqual([]);
  }, 240_000);

  it('generated site on a fresh org: rows at a location the plan would create say "known after apply", and only those end otherwise (extensions already held there)', async () => {
    const site = generateSite({ rows: 700, seed: 5 });
    expect(site.stats.extensionsTaken).toBeGreaterThan(0);
    const dir = await workspace({});
    const paths = await writeSite(join(dir, 'gen'), site);
    sim = await startSimulator({
      token: TOKEN,
      seed: 5,
      people: await readPeopleSeed(paths.people),
      numbers: await readNumbersSeed(paths.numbers),
      callingLicenses: 2000,
    });
    const env = { ENVIRONMENT: 'lab', WEBEX_BASE_URL: sim.baseUrl, WEBEX_TOKEN: TOKEN, CONCURRENCY: '1', CONCURRENCY_MAX: '1' };
    const planned = await spawnWbp(dir, ['plan', 'gen/input.csv', '--out', 'plan1'], env);
    expect(planned.code).toBe(0);
    const run = await spawnWbp(dir, ['run', 'gen/input.csv', '--out', 'run', '--plan', 'plan1/plan.json', '--progress', 'off'], env);
    expect(run.code).toBe(10);
    const compared = compare(await planRows(join(dir, 'plan1')), await runOutcomes(join(dir, 'run')));
    expect(compared.mismatches).toEqual([]);
    expect(compared.differedAfterApply.length).toBeGreaterThan(0);
    for (const d of compared.differedAfterApply) expect(d).toMatch(/extension \d+ in ".*" is already assigned to/);
  }, 180_000);

  it('wbp run --plan refuses a plan made for another CSV or another environment, sending nothing', async () => {
    const requests = new Requests();
    sim = await startSimulator({ token: TOKEN, people: [{ email: 'ana@example.com' }], numbers: [], onRequest: requests.hook });
    const site = (city: string) =>
      [
        'entity_type,location_key,location_name,location_external_id,time_zone,preferred_language,announcement_language,address_line1,address_city,address_state,address_postal_code,address_country,email,extension',
        `location,,${city} HQ,ES-${city.toUpperCase()},Europe/Madrid,es_es,es_es,Calle Mayor 1,${city},Madrid,28013,ES,,`,
        `user,ES-${city.toUpperCase()},,,,,,,,,,,ana@example.com,`,
        `extension_assignment,ES-${city.toUpperCase()},,,,,,,,,,,ana@example.com,1001`,
        '',
      ].join('\n');
    const dir = await workspace({ 'a.csv': site('Madrid'), 'b.csv': site('Toledo') });
    const env = { ENVIRONMENT: 'lab', WEBEX_BASE_URL: sim.baseUrl, WEBEX_TOKEN: TOKEN };
    const planned = await spawnWbp(dir, ['plan', 'a.csv', '--out', 'p', '--detailed-exitcode'], {
      ...env,
      GITHUB_STEP_SUMMARY: join(dir, 'step-summary.md'),
    });
    expect(planned.code).toBe(2);
    expect(existsSync(join(dir, 'p', 'plan.json'))).toBe(true);
    expect(await readFile(join(dir, 'step-summary.md'), 'utf8')).toBe(`${await readFile(join(dir, 'p', 'plan.md'), 'utf8')}\n`);
    for (const f of ['ready_to_load.csv', 'rejected_rows.csv', 'plan.csv']) expect(existsSync(join(dir, 'p', f))).toBe(true);
    for (const f of ['plan.csv', 'plan.md', 'plan.json', 'plan.log'])
      expect(await readFile(join(dir, 'p', f), 'utf8')).not.toContain(TOKEN);
    expect(planned.stdout + planned.stderr).not.toContain(TOKEN);
    const mark = requests.seen.length;

    const otherCsv = await spawnWbp(dir, ['run', 'b.csv', '--out', 'r1', '--plan', 'p/plan.json'], env);
    expect(otherCsv.code).toBe(20);
    expect(otherCsv.stderr).toMatch(/--plan p\/plan\.json: the plan was made for another CSV .*nothing was sent/);
    const otherEnv = await spawnWbp(dir, ['run', 'a.csv', '--out', 'r2', '--plan', 'p/plan.json'], { ...env, ENVIRONMENT: 'prod' });
    expect(otherEnv.code).toBe(20);
    expect(otherEnv.stderr).toMatch(/ENVIRONMENT=lab, this run is ENVIRONMENT=prod/);
    expect(requests.since(mark)).toEqual([]);
    expect(existsSync(join(dir, 'r1', 'results.csv'))).toBe(false);

    const applied = await spawnWbp(dir, ['run', 'a.csv', '--out', 'r3', '--plan', 'p/plan.json', '--progress', 'off'], env);
    expect(applied.code).toBe(0);
    const again = await spawnWbp(dir, ['plan', 'a.csv', '--out', 'p2', '--detailed-exitcode'], env);
    expect(again.code).toBe(0);
    expect([...(await planRows(join(dir, 'p2'))).values()].map((r) => r.action)).toEqual(['no_change', 'no_change', 'no_change']);
  }, 120_000);
});
