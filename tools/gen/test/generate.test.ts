import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { validateCsvFile, readReadyRows, normalisePhoneNumber, USER_SETTING_COLUMNS } from '@wbp/csv-contract';
import { generateSite, writeSite, Prng } from '@wbp/gen';
import { tempDir } from '../../../test-support/temp-dir.js';

const digest = (value: unknown): string =>
  createHash('sha256')
    .update(JSON.stringify(value, (_k, v: unknown) => (v instanceof Map ? [...v] : v)))
    .digest('hex');

describe('generateSite', () => {
  it('is deterministic by seed', () => {
    const a = generateSite({ rows: 3000, seed: 7 });
    const b = generateSite({ rows: 3000, seed: 7 });
    const c = generateSite({ rows: 3000, seed: 8 });
    expect(digest(a)).toBe(digest(b));
    expect(digest(a)).not.toBe(digest(c));
  });

  it('has the requested shape: N rows, ~1 location per 700 users, grouped by entity type', () => {
    const site = generateSite({ rows: 21_000, seed: 1 });
    const { stats } = site;
    expect(stats.rows).toBe(21_000);
    expect(site.input).toHaveLength(21_000);
    expect(stats.locations + stats.users + stats.assignments).toBe(21_000);
    expect(stats.users / stats.locations).toBeGreaterThan(650);
    expect(stats.users / stats.locations).toBeLessThan(750);
    const order = site.input.map((r) => r.entity_type);
    expect(order.indexOf('user')).toBe(stats.locations);
    expect(order.indexOf('extension_assignment')).toBe(stats.locations + stats.users);
    expect(stats.withPhoneNumber / stats.assignments).toBeCloseTo(0.3, 1);
    expect(stats.withSettings / stats.users).toBeCloseTo(0.25, 1);
    expect(stats.invalid).toBe(210);
    expect(stats.absentFromDirectory).toBe(105);
    expect(stats.extensionsTaken).toBeGreaterThanOrEqual(1);
    expect(stats.extensionsTaken).toBeLessThanOrEqual(10);
    const countries = new Set(site.input.filter((r) => r.entity_type === 'location').map((r) => r.address_country));
    expect(countries).toEqual(new Set(['ES', 'US']));
  });

  it('writes the site-rollout settings in realistic proportions: each on 0.5–4% of users, most rows empty, none contradicting', async () => {
    const site = generateSite({ rows: 21_000, seed: 3 });
    const users = site.input.filter((r) => r.entity_type === 'user');
    for (const column of USER_SETTING_COLUMNS.slice(5)) {
      const share = users.filter((r) => r[column] !== '').length / users.length;
      expect(share, column).toBeGreaterThan(0.004);
      expect(share, column).toBeLessThan(0.04);
    }
    const anyRollout = users.filter((r) => USER_SETTING_COLUMNS.slice(5).some((c) => r[c] !== '')).length / users.length;
    expect(anyRollout).toBeGreaterThan(0.05);
    expect(anyRollout).toBeLessThan(0.2);
    const dir = tempDir('wbp-gen-rollout-');
    const paths = await writeSite(dir, site);
    const summary = await validateCsvFile(paths.input, join(dir, 'out'));
    expect(summary.rejectedRows.filter((r) => r.rule === 'setting_conflict')).toEqual([]);
    expect(summary.rejected).toBe(site.expectedRejections.size);
  }, 60_000);

  it.each([1, 2, 3, 10, 1401, 1402])('copes with tiny and boundary sizes (%i rows)', (rows) => {
    expect(generateSite({ rows, seed: 1 }).input).toHaveLength(rows);
  });

  it('generates 21,000 rows well under 5 s', () => {
    const started = performance.now();
    generateSite({ rows: 21_000, seed: 99 });
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('the validator rejects exactly the rows broken on purpose, for the recorded rule', async () => {
    const dir = tempDir('wbp-gen-');
    const site = generateSite({ rows: 6_000, seed: 3 });
    const { input } = await writeSite(dir, site);
    const summary = await validateCsvFile(input, join(dir, 'out'), { listLimit: Number.MAX_SAFE_INTEGER });
    expect(new Map(summary.rejectedRows.map((r) => [r.rowId, r.rule]))).toEqual(site.expectedRejections);
    expect(new Set(site.expectedRejections.values()).size).toBeGreaterThanOrEqual(8);
  });

  it('seeds the simulator consistently with the input', async () => {
    const dir = tempDir('wbp-gen-');
    const site = generateSite({ rows: 6_000, seed: 5 });
    const { input } = await writeSite(dir, site);
    const summary = await validateCsvFile(input, join(dir, 'out'));
    const ready = [];
    for await (const row of readReadyRows(summary.readyPath)) ready.push(row);

    const siteName = new Map(ready.filter((r) => r.entity_type === 'location').map((r) => [r.entity_key, r.location_name]));
    const inventory = new Set(site.numbers.map((n) => `${n.location_name}|${n.phone_number}`));
    const people = new Map(site.people.map((p) => [p.email, p]));
    const userEmails = new Set(ready.filter((r) => r.entity_type === 'user').map((r) => r.email));

    // every number a valid assignment uses is in its location's inventory
    for (const row of ready.filter((r) => r.entity_type === 'extension_assignment' && r.phone_number)) {
      expect(inventory.has(`${siteName.get(row.location_key)}|${row.phone_number}`)).toBe(true);
    }
    // ~1% of users are missing from the directory, the rest are there without calling data
    const missing = [...userEmails].filter((email) => !people.has(email));
    expect(missing.length).toBeGreaterThan(0);
    expect(missing.length).toBeLessThan(userEmails.size * 0.02);
    // holders of taken extensions are extra people at a real site, holding an extension the input assigns there
    const holders = site.people.filter((p) => p.location_name !== '');
    expect(holders.length).toBe(site.stats.extensionsTaken);
    const assigned = new Set(
      ready.filter((r) => r.entity_type === 'extension_assignment').map((r) => `${siteName.get(r.location_key)}|${r.extension}`),
    );
    for (const holder of holders) {
      expect(userEmails.has(holder.email)).toBe(false);
      expect(assigned.has(`${holder.location_name}|${holder.extension}`)).toBe(true);
    }
    // numbers.csv holds E.164 numbers only, each once
    expect(site.numbers.every((n) => normalisePhoneNumber(n.phone_number).ok && !n.phone_number.includes(' '))).toBe(true);
    expect(new Set(site.numbers.map((n) => n.phone_number)).size).toBe(site.numbers.length);
  });

  it('writes the three files with the seed formats', async () => {
    const dir = tempDir('wbp-gen-');
    const paths = await writeSite(dir, generateSite({ rows: 50, seed: 1 }));
    expect((await readFile(paths.people, 'utf8')).split('\n')[0]).toBe('email,display_name,location_name,extension');
    expect((await readFile(paths.numbers, 'utf8')).split('\n')[0]).toBe('location_name,phone_number');
    expect((await readFile(paths.input, 'utf8')).split('\n')[0]?.startsWith('entity_type,entity_key,location_key,row_ref,')).toBe(true);
  });
});

describe('Prng', () => {
  it('is reproducible and roughly uniform', () => {
    const a = new Prng(123);
    const b = new Prng(123);
    const xs = Array.from({ length: 10_000 }, () => a.next());
    expect(xs).toEqual(Array.from({ length: 10_000 }, () => b.next()));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean).toBeCloseTo(0.5, 1);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
  });
  it('samples distinct indices', () => {
    const picks = new Prng(1).sample(100, 30);
    expect(new Set(picks).size).toBe(30);
    expect(picks.every((i) => i >= 0 && i < 100)).toBe(true);
  });
});
