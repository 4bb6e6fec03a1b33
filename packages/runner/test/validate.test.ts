import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SITE_CSV, wbp, workspace } from './helpers.js';

describe('wbp validate', () => {
  it('writes both files, prints a summary by reason code and exits 0', async () => {
    const dir = await workspace({ 'site.csv': SITE_CSV });
    const { code, stdout } = await wbp(['validate', 'site.csv', '--out', 'out'], { cwd: dir });
    expect(code).toBe(0);
    expect(stdout).toContain('  rows      5\n  ready     3\n  rejected  2\n');
    expect(stdout).toContain('    invalid_input_schema  1\n    duplicate_key         1\n    out_of_scope          0\n');
    expect(stdout).toContain('line 4 (row 3) duplicate_key: email: user ana.garcia@example.com is already used by row 2 (line 3)');
    expect(stdout).not.toContain('::error');
    expect((await readFile(join(dir, 'out', 'ready_to_load.csv'), 'utf8')).split('\n')).toHaveLength(5);
    expect((await readFile(join(dir, 'out', 'rejected_rows.csv'), 'utf8')).split('\n')).toHaveLength(4);
  });

  it('--fail-on-rejected exits 1 when a row is rejected, 0 when none is', async () => {
    const dir = await workspace({ 'site.csv': SITE_CSV, 'clean.csv': SITE_CSV.split('\n').slice(0, 3).join('\n') });
    expect((await wbp(['validate', 'site.csv', '--out', 'out', '--fail-on-rejected'], { cwd: dir })).code).toBe(1);
    expect((await wbp(['validate', 'clean.csv', '--out', 'out2', '--fail-on-rejected'], { cwd: dir })).code).toBe(0);
  });

  it('--format github prints annotations on the physical lines and appends the step summary', async () => {
    const dir = await workspace({ 'site.csv': SITE_CSV, 'summary.md': '# earlier step\n' });
    const env = { GITHUB_STEP_SUMMARY: join(dir, 'summary.md'), GITHUB_WORKSPACE: dir };
    const { code, stdout } = await wbp(['validate', join(dir, 'site.csv'), '--out', 'out', '--format', 'github'], { cwd: dir, env });
    expect(code).toBe(0);
    const annotations = stdout.split('\n').filter((l) => l.startsWith('::'));
    expect(annotations).toEqual([
      '::error file=site.csv,line=4,title=row 3 rejected (duplicate_key)::email: user ana.garcia@example.com is already used by row 2 (line 3); the first occurrence is kept [duplicate_email]',
      '::error file=site.csv,line=6,title=row 5 rejected (invalid_input_schema)::extension: "9" is not an extension; use 2 to 8 digits [extension_format]',
    ]);
    const summary = await readFile(join(dir, 'summary.md'), 'utf8');
    expect(summary.startsWith('# earlier step\n## wbp validate: `site.csv`')).toBe(true);
    expect(summary).toContain('**2 of 5 rows rejected** (3 ready).');
    expect(summary).toContain('| duplicate_key | 1 |');
    expect(summary).toContain(
      '| 6 | 5 | extension | invalid_input_schema | extension: "9" is not an extension; use 2 to 8 digits \\[extension\\_format\\] |',
    );
  });

  it("warns about rows that name a rejected location row, on the location row's line", async () => {
    // The location row's country is not ISO 3166: it is rejected, and the user and assignment rows
    // (row 3 is a duplicate, rejected itself)
    // that name it stay ready (the location may exist in Webex) but will most likely end pending.
    const site = SITE_CSV.replace(',28013,ES,', ',28013,Spain,');
    const dir = await workspace({ 'site.csv': site, 'summary.md': '' });
    const text = await wbp(['validate', 'site.csv', '--out', 'out'], { cwd: dir });
    expect(text.stdout).toContain(
      '  warning: 2 row(s) name location_key "ES-MAD-01", whose location row 1 (line 2) was rejected (invalid_input_schema): they will end pending unless that location already exists in Webex; fix line 2 first (rows 2 (line 3), 4 (line 5))\n',
    );
    const env = { GITHUB_STEP_SUMMARY: join(dir, 'summary.md'), GITHUB_WORKSPACE: dir };
    const github = await wbp(['validate', 'site.csv', '--out', 'out', '--format', 'github'], { cwd: dir, env });
    expect(github.stdout.split('\n').filter((l) => l.startsWith('::warning'))).toEqual([
      expect.stringMatching(
        /^::warning file=site\.csv,line=2,title=2 row\(s\) depend on rejected location row 1::2 row\(s\) name location_key "ES-MAD-01"/,
      ),
    ]);
    expect(await readFile(join(dir, 'summary.md'), 'utf8')).toContain('| 1 (2) | ES-MAD-01 | invalid_input_schema | 2 | 2 (3), 4 (5) |');
    // Without the rejection there is nothing to warn about.
    expect((await wbp(['validate', 'site.csv', '--out', 'out'], { cwd: await workspace({ 'site.csv': SITE_CSV }) })).stdout).not.toContain(
      'warning',
    );
  });

  it('caps annotations and says how many more there are', async () => {
    const rows = Array.from({ length: 15 }, (_, i) => `user,ES-MAD-01,bad${i}`);
    const dir = await workspace({ 'site.csv': ['entity_type,location_key,email', ...rows].join('\n') });
    const { stdout } = await wbp(['validate', 'site.csv', '--out', 'out', '--format', 'github', '--max-annotations', '3'], { cwd: dir });
    expect(stdout.split('\n').filter((l) => l.startsWith('::error'))).toHaveLength(3);
    expect(stdout).toContain('::notice::12 more rejected rows');
  });

  it('a file-level error exits 2 with one annotation and a summary section', async () => {
    const dir = await workspace({ 'site.csv': 'entity_type,email\nuser,a@example.com\n', 'summary.md': '' });
    const env = { GITHUB_STEP_SUMMARY: join(dir, 'summary.md') };
    const { code, stdout, stderr } = await wbp(['validate', 'site.csv', '--out', 'out', '--format', 'github'], { cwd: dir, env });
    expect(code).toBe(2);
    expect(stderr).toContain('site.csv:1: missing required column: location_key (needed by user rows)');
    expect(stdout).toBe(
      '::error file=site.csv,line=1,title=invalid CSV (missing_columns)::missing required column: location_key (needed by user rows)\n',
    );
    expect(await readFile(join(dir, 'summary.md'), 'utf8')).toContain('**The file cannot be validated** (line 1): missing required column');
  });

  it('passes repeatable --default values through', async () => {
    const csv =
      'entity_type,location_name,address_line1,address_city,address_state,address_postal_code\nlocation,Madrid,Calle Mayor 1,Madrid,Madrid,28013\n';
    const dir = await workspace({ 'site.csv': csv });
    const defaults = [
      '--default',
      'time_zone=Europe/Madrid',
      '--default',
      'preferred_language=es_es',
      '--default',
      'announcement_language=es_es',
      '--default',
      'address_country=ES',
    ];
    const { code, stdout } = await wbp(['validate', 'site.csv', '--out', 'out', ...defaults, '--fail-on-rejected'], { cwd: dir });
    expect(code).toBe(0);
    expect(stdout).toContain('  ready     1\n');
  });

  it.each([
    [['validate', '--out', 'out'], /missing <csv>/],
    [['validate', 'site.csv'], /missing --out/],
    [['validate', 'site.csv', '--out', 'o', '--format', 'xml'], /--format must be text or github/],
    [['validate', 'site.csv', '--out', 'o', '--default', 'time_zone'], /--default expects column=value/],
    [['validate', 'site.csv', '--out', 'o', '--default', 'address_city=Madrid'], /no default can be set for address_city/],
    [['validate', 'site.csv', '--out', 'o', '--max-rows', 'many'], /--max-rows expects a positive integer/],
    [['validate', 'site.csv', '--out', 'o', '--bogus'], /Unknown option '--bogus'/],
  ])('usage error %j exits 2', async (argv, message) => {
    const dir = await workspace({ 'site.csv': SITE_CSV });
    const { code, stderr } = await wbp(argv, { cwd: dir });
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).toContain('usage: wbp validate');
  });
});

describe('wbp dispatcher', () => {
  it('lists commands on --help and refuses unknown ones', async () => {
    const dir = await workspace({});
    expect(await wbp(['--help'], { cwd: dir })).toMatchObject({ code: 0, stdout: expect.stringContaining('validate  check a site CSV') });
    expect(await wbp([], { cwd: dir })).toMatchObject({ code: 2 });
    expect(await wbp(['frobnicate'], { cwd: dir })).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('unknown command "frobnicate"'),
    });
    expect(await wbp(['validate', '--help'], { cwd: dir })).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('--fail-on-rejected'),
    });
  });
});
