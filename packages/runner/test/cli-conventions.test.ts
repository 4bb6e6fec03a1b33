import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type StartedSimulator } from '@wbp/webex-sim';
import { Progress } from '../src/run/progress.js';
import type { RunSummary } from '../src/run/summary.js';
import { summaryText, textTable } from '../src/run/summary-text.js';
import { main } from '@wbp/runner';
import { BIN, SITE_CSV, spawnWbp, workspace, wbp } from './helpers.js';

/** The three commands, as their bins (each runs its sources in a checkout). */
const ROOT = join(import.meta.dirname, '..', '..', '..');
const CLIS = {
  wbp: { bin: BIN, pkg: join(ROOT, 'packages/runner/package.json') },
  'wbp-sim': { bin: join(ROOT, 'tools/webex-sim/bin/wbp-sim.mjs'), pkg: join(ROOT, 'tools/webex-sim/package.json') },
  'wbp-gen': { bin: join(ROOT, 'tools/gen/bin/wbp-gen.mjs'), pkg: join(ROOT, 'tools/gen/package.json') },
} as const;
const versionOf = (pkg: string) => (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
// NO_COLOR set, as a user who wants no colour would: no output may carry an escape sequence.
const run = (bin: string, args: string[], cwd = ROOT) =>
  spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' } });
const ESC = '\u001b';

describe.each(Object.entries(CLIS))('%s', (name, { bin, pkg }) => {
  it('--version prints the package version on stdout and exits 0', () => {
    const r = run(bin, ['--version']);
    expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ status: 0, stdout: `${versionOf(pkg)}\n`, stderr: '' });
  }, 30_000);

  it('an unknown flag is a usage error: the usage on stderr, nothing on stdout, exit 2', () => {
    const args = name === 'wbp' ? ['run', 'x.csv', '--bogus'] : ['--bogus'];
    const r = run(bin, args);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^${name}( run)?: Unknown option '--bogus'`));
    expect(r.stderr).toContain(`usage: ${name}`);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(r.stderr + r.stdout).not.toContain(ESC);
  }, 30_000);
});

describe('wbp: one argument parser for every command', () => {
  it.each([
    [['validate', 'x.csv', '--out', 'o', '--bogus'], /^wbp validate: Unknown option '--bogus'/, 'usage: wbp validate'],
    [['plan', 'x.csv', '--out', 'o', '--bogus'], /^wbp plan: Unknown option '--bogus'/, 'usage: wbp plan'],
    [['run', 'x.csv', '--bogus'], /^wbp run: Unknown option '--bogus'/, 'usage: wbp run'],
    [['--bogus'], /^wbp: unknown option "--bogus"/, 'usage: wbp <command>'],
  ])('wbp %j exits 2 with the usage on stderr', async (argv, first, usage) => {
    const r = await wbp(argv, { cwd: ROOT });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(first);
    expect(r.stderr).toContain(usage);
  });
});

describe('wbp: a bug is not a usage mistake nor "rows rejected"', () => {
  it('an unexpected error is one line on stderr and exit 70, no stack trace', async () => {
    const cwd = await workspace({ 'site.csv': SITE_CSV });
    let stderr = '';
    const code = await main(['validate', 'site.csv', '--out', 'out'], {
      stdout: () => {
        throw new Error('write EPIPE');
      },
      stderr: (text) => {
        stderr += text;
      },
      env: {},
      cwd,
    });
    expect({ code, stderr }).toEqual({ code: 70, stderr: 'wbp validate: internal error: write EPIPE\n' });
  });
});

describe('the end-of-run summary as an aligned text table', () => {
  const summary: RunSummary = {
    csv: 'site.csv',
    csvSha256: 'ab',
    environment: 'lab',
    attempt: 2,
    exitStatus: 10,
    outcome: 'finished; some rows are pending or rejected',
    rows: { total: 1234, success: 1200, pending: 31, rejected: 3, notYetProcessed: 0 },
    pendingByReason: { user_not_found: 30, precondition_missing: 1 },
    rejectedByReason: { invalid_input_schema: 3, out_of_scope: 0 },
    topFailingSteps: [],
    effects: { location: { created: 3, changed: 0, unchanged: 0 }, user: { created: 0, changed: 600, unchanged: 12 } },
    pendingCauses: {
      byLocation: [
        {
          locationRowId: 2,
          locationKey: 'ES-\u001b[2JMAD',
          state: 'rejected',
          reasonCode: 'invalid_input_schema',
          message: 'm',
          count: 1,
          rows: [],
        },
      ],
      byReason: [{ reasonCode: 'user_not_found', count: 30, rows: [] }],
    },
    elapsed: { seconds: 75, rowsFinished: 1231, rowsPerSecond: 16.4 },
    resumable: false,
    throughput: { bucketSeconds: 10, rowsPerSecond: [1, 2, 3, 4] },
  };

  it('pads every column to its widest cell, numbers right-aligned', () => {
    expect(
      textTable(
        ['state', 'rows'],
        [
          ['success', 1200],
          ['not yet processed', 7],
        ],
      ),
    ).toEqual(['  state              rows', '  success            1200', '  not yet processed     7']);
  });

  it('says what summary.md says without Markdown, and no control character from the data reaches the terminal', () => {
    const text = summaryText(summary, 'out');
    expect(text).toContain(['  state     rows', '  success   1200', '  pending     31', '  rejected     3', '  total     1234'].join('\n'));
    expect(text).toContain(
      '  pending   user_not_found          30\n  pending   precondition_missing     1\n  rejected  invalid_input_schema     3\n',
    );
    expect(text).toContain(
      '  success rows  created  changed  already right\n  location            3        0              0\n  user                0      600             12\n',
    );
    expect(text).toContain('  location ES-?[2JMAD (row 2) rejected: invalid_input_schema     1\n');
    expect(text).toContain('Elapsed 1 min 15 s');
    expect(text).toContain('Details: out/summary.md');
    expect(text).not.toMatch(/\||\*\*|```|mermaid|^#/m);
    expect(text).not.toContain(ESC);
  });
});

describe('progress and results', () => {
  it('progress: redrawn in place (\\r) on a terminal, plain lines otherwise', () => {
    const writes = (tty: boolean) => {
      const out: string[] = [];
      const p = new Progress(10, (t) => out.push(t), tty, 60_000);
      p.row('success');
      p.print();
      p.print();
      p.stop();
      return out;
    };
    const lines = writes(false);
    expect(lines).toHaveLength(2);
    for (const l of lines) expect(l).toMatch(/^progress: 1\/10 rows \(10%\) .*\n$/);
    expect(lines.join('')).not.toContain('\r');
    const redrawn = writes(true);
    expect(redrawn.slice(0, 2).every((l) => l.startsWith('\r1/10 rows'))).toBe(true);
    expect(redrawn.at(-1)).toBe('\n');
  });

  describe('wbp run (child process ↔ wbp-sim over HTTP)', () => {
    const TOKEN = 'cli-conventions-token-0d1e';
    let sim: StartedSimulator;
    beforeAll(async () => {
      // Slow enough answers that the run lasts a few progress ticks.
      sim = await startSimulator({ token: TOKEN, latencyMs: 150, people: [{ email: 'u0@example.com' }] });
    });
    afterAll(() => sim.close());

    it('progress on stderr, results on stdout (the summary as a table, no Markdown), no colour with NO_COLOR', async () => {
      const dir = await workspace({
        'site.csv': [
          'entity_type,location_key,location_name,location_external_id,time_zone,preferred_language,announcement_language,address_line1,address_city,address_state,address_postal_code,address_country,email,calling_enabled,extension',
          'location,,Madrid HQ,ES-MAD-01,Europe/Madrid,es_es,es_es,Calle Mayor 1,Madrid,Madrid,28013,ES,,,',
          'user,ES-MAD-01,,,,,,,,,,,u0@example.com,true,',
          'extension_assignment,ES-MAD-01,,,,,,,,,,,u0@example.com,,4000',
          '',
        ].join('\n'),
      });
      const r = await spawnWbp(dir, ['run', 'site.csv', '--out', 'out', '--progress', 'tty'], {
        ENVIRONMENT: 'lab',
        WEBEX_BASE_URL: sim.baseUrl,
        WEBEX_TOKEN: TOKEN,
        NO_COLOR: '1',
      });
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/^\r\d+\/3 rows \(\d+%\)/);
      expect(r.stdout).not.toMatch(/ETA|\r/);
      expect(r.stdout).toMatch(/^validated 3 rows: 3 ready, 0 rejected\n\nwbp run — site\.csv \(lab, attempt 1\)\n/);
      expect(r.stdout).toMatch(/^ {2}success +3$/m);
      expect(r.stdout).toMatch(/^every row succeeded: 3 success, 0 pending, 0 rejected — outputs in out\n$/m);
      expect(r.stdout).not.toMatch(/\||\*\*|```|^#/m);
      expect(readFileSync(join(dir, 'out', 'summary.md'), 'utf8')).toMatch(/^## wbp run/);
      expect(r.stdout + r.stderr).not.toContain(ESC);
    }, 60_000);
  });
});
