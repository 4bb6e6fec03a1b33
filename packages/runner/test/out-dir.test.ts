import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { validateCsvFile } from '@wbp/csv-contract';
import { LOCK_FILE, ManifestCorruptError, OutDirLockedError, sha256File, writeCheckpoint } from '@wbp/state';
import { startSimulator, type StartedSimulator } from '@wbp/webex-sim';
import { openCsvAppender, OutputCorruptError, RESULTS_COLUMNS, type CorruptionKind } from '@wbp/files';
import {
  OutDirMismatchError,
  prepareOutDir,
  type MismatchKind,
  type PrepareOutDirOptions,
  type PreparedOutDir,
} from '../src/run/out-dir.js';
import { assignmentRow, inputCsv, locationRow } from '../../../test-support/rows.js';
import { tempDir } from '../../../test-support/temp-dir.js';
import { callingUserRow } from './helpers.js';

const repoRoot = resolve(import.meta.dirname, '../../..');
const bin = join(import.meta.dirname, '..', 'bin', 'wbp.mjs');
const outDirModule = join(import.meta.dirname, '..', 'src', 'run', 'out-dir.ts');
const TOKEN = 'out-dir-token-5c1e';

/** Rows: 1 location, 2–6 users (6 = ghost: pending user_not_found), 7 rejected, 8–11 assignments. */
function siteCsv(firstUser = 'u0'): string {
  // address_state is left to --default (DEFAULTS).
  const rows = [locationRow({ address_state: '' })];
  for (let i = 0; i < 4; i++) rows.push(callingUserRow(`${i === 0 ? firstUser : `u${i}`}@example.com`));
  rows.push(callingUserRow('ghost@example.com'), callingUserRow('not-an-email'));
  for (let i = 0; i < 4; i++) rows.push(assignmentRow({ email: `u${i}@example.com`, extension: String(4000 + i) }));
  return inputCsv(rows);
}
const DEFAULTS = ['address_state=Madrid'];

function wbpRun(cwd: string, env: Record<string, string>): Promise<number | null> {
  return new Promise((done) => {
    const child = spawn(
      process.execPath,
      [bin, 'run', 'site.csv', '--out', 'out', '--progress', 'off', ...DEFAULTS.flatMap((d) => ['--default', d])],
      {
        cwd,
        env: {
          PATH: process.env.PATH ?? '',
          ENVIRONMENT: 'lab',
          WEBEX_BASE_URL: sim.baseUrl,
          WEBEX_TOKEN: TOKEN,
          BATCH_SIZE: '1',
          CONCURRENCY: '1',
          ...env,
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    child.on('exit', (code) => done(code));
  });
}

let sim: StartedSimulator;
/**
 * Workspaces (site.csv + out/) left by real `wbp run`s: every phase done, stopped by MAX_ROWS in
 * phase 2, and a finished run re-run once ghost@ was synced (attempt 2: row 6 pending again,
 * precondition_missing).
 */
const runs = { complete: '', partial: '', rerun: '' };

beforeAll(async () => {
  sim = await startSimulator({ token: TOKEN, people: [0, 1, 2, 3].map((i) => ({ email: `u${i}@example.com`, displayName: `User ${i}` })) });
  for (const [name, env, status] of [
    ['complete', {}, 10],
    ['partial', { MAX_ROWS: '3' }, 41],
  ] as const) {
    const dir = tempDir('wbp-out-dir-');
    writeFileSync(join(dir, 'site.csv'), siteCsv());
    expect(await wbpRun(dir, env)).toBe(status);
    runs[name] = dir;
  }
  const dir = copyOf(runs.complete);
  sim.sim.syncPerson({ email: 'ghost@example.com' }); // no later run here expects ghost@ to be missing
  // Row 6 is tried again and ends pending again, now for want of an extension_assignment row.
  expect(await wbpRun(dir, {})).toBe(10);
  runs.rerun = dir;
}, 90_000);
afterAll(async () => {
  await sim.close();
});

const prepared: PreparedOutDir[] = [];
const children: ChildProcessWithoutNullStreams[] = [];
afterEach(async () => {
  for (const od of prepared.splice(0)) await od.release();
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** A copy of a workspace to damage. */
function copyOf(workspace: string): string {
  const dir = tempDir('wbp-out-dir-');
  cpSync(workspace, dir, { recursive: true });
  return dir;
}

async function prepare(workspace: string, options: Partial<PrepareOutDirOptions> = {}): Promise<PreparedOutDir> {
  const od = await prepareOutDir(join(workspace, 'out'), {
    inputSha256: await sha256File(join(workspace, 'site.csv')),
    pipelineVersion: 1,
    defaults: DEFAULTS,
    command: 'test',
    ...options,
  });
  prepared.push(od);
  return od;
}

/** A workspace whose outputs carry a manifest (whether or not the runner writes one itself yet). */
async function withManifest(workspace: string): Promise<string> {
  const dir = copyOf(workspace);
  const od = await prepare(dir);
  expect(od.resume).toBe(true);
  await od.release();
  return dir;
}

const rejection = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

async function expectCorrupt(p: Promise<unknown>, file: string, kind: CorruptionKind, message: RegExp): Promise<void> {
  const err = await rejection(p);
  expect(err).toBeInstanceOf(OutputCorruptError);
  expect(err).toMatchObject({ kind, file });
  expect((err as Error).message).toMatch(message);
}

async function expectMismatch(p: Promise<unknown>, kind: MismatchKind, message: RegExp): Promise<void> {
  const err = await rejection(p);
  expect(err).toBeInstanceOf(OutDirMismatchError);
  expect(err).toMatchObject({ kind });
  expect((err as Error).message).toMatch(message);
}

const out = (dir: string, file: string) => join(dir, 'out', file);
const read = (dir: string, file: string) => readFileSync(out(dir, file), 'utf8');
/** Rewrites an output file's lines (header included) through `edit`. */
function editLines(dir: string, file: string, edit: (lines: string[]) => string[]): void {
  const lines = read(dir, file).split('\n').slice(0, -1);
  writeFileSync(out(dir, file), `${edit(lines).join('\n')}\n`);
}
const snapshot = (dir: string) => Object.fromEntries(readdirSync(join(dir, 'out')).map((f) => [f, readFileSync(out(dir, f), 'utf8')]));

describe('outputs of real runs', () => {
  it.each(['complete', 'partial', 'rerun'] as const)('the %s run: this CSV resumes, every output verifies', async (name) => {
    const dir = copyOf(runs[name]);
    const od = await prepare(dir);
    expect(od.resume).toBe(true);
    expect(od.manifest).toMatchObject({
      input_sha256: await sha256File(join(dir, 'site.csv')),
      pipeline_version: 1,
      defaults: DEFAULTS,
      ready: { rows: 10 },
      rejected: { rows: 1 },
    });
    const { ready, ...counts } = await od.verify();
    const lines = { complete: [10, 1, 1], partial: [3, 0, 0], rerun: [11, 2, 1] }[name];
    expect(counts).toEqual({ readyRows: 10, rejectedRows: 1, resultLines: lines[0], pendingLines: lines[1], pendingRows: lines[2] });
    expect(ready.sha256).toBe(await sha256File(out(dir, 'ready_to_load.csv')));
    expect(existsSync(out(dir, LOCK_FILE))).toBe(true);
    await od.release();
    expect(existsSync(out(dir, LOCK_FILE))).toBe(false);
  });
});

describe('the lock', () => {
  /** A real process that prepares the folder and holds it. */
  async function holder(dir: string, inputSha256: string): Promise<{ child: ChildProcessWithoutNullStreams; exited: Promise<unknown> }> {
    const script = join(dir, 'hold.mjs');
    writeFileSync(
      script,
      `import { prepareOutDir } from ${JSON.stringify(outDirModule)};\n` +
        `await prepareOutDir(process.argv[2], { inputSha256: ${JSON.stringify(inputSha256)}, pipelineVersion: 1, defaults: ${JSON.stringify(DEFAULTS)}, command: 'wbp run site.csv --out out' });\n` +
        `process.stdout.write('prepared\\n');\nsetInterval(() => undefined, 60_000);\n`,
    );
    const child = spawn(process.execPath, ['--conditions=@wbp/source', '--import', 'tsx', script, join(dir, 'out')], {
      cwd: repoRoot,
      stdio: 'pipe',
    });
    children.push(child);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = once(child, 'exit');
    const first = await createInterface({ input: child.stdout })[Symbol.asyncIterator]().next();
    if (first.value !== 'prepared') throw new Error(`holder did not prepare: ${stderr}`);
    return { child, exited };
  }

  it('a second run on the folder is refused at once naming the first; after a SIGKILL of the first it takes the folder over', async () => {
    const dir = tempDir('wbp-out-dir-');
    writeFileSync(join(dir, 'site.csv'), siteCsv());
    const { child, exited } = await holder(dir, await sha256File(join(dir, 'site.csv')));
    const err = await rejection(prepare(dir));
    expect(err).toBeInstanceOf(OutDirLockedError);
    expect(err).toMatchObject({ kind: 'held', holder: { pid: child.pid, command: 'wbp run site.csv --out out' } });
    expect((err as Error).message).toContain(`pid ${child.pid}`);

    child.kill('SIGKILL');
    await exited;
    const od = await prepare(dir);
    expect(od.resume).toBe(false); // the first run had written its manifest, not yet validated
    expect(JSON.parse(read(dir, LOCK_FILE))).toMatchObject({ pid: process.pid });
  }, 30_000);

  it('this process cannot prepare the same folder twice', async () => {
    const dir = copyOf(runs.complete);
    await prepare(dir);
    expect(await rejection(prepare(dir))).toMatchObject({ name: 'OutDirLockedError', kind: 'held_by_this_process' });
  });
});

describe('the manifest', () => {
  it('a fresh folder gets manifest.json before any other output, then what validation wrote', async () => {
    const dir = tempDir('wbp-out-dir-');
    writeFileSync(join(dir, 'site.csv'), siteCsv());
    const od = await prepare(dir);
    expect(od.resume).toBe(false);
    expect(readdirSync(join(dir, 'out')).sort()).toEqual([LOCK_FILE, 'manifest.json']);
    const written = JSON.parse(read(dir, 'manifest.json'));
    expect(written).toEqual({
      input_sha256: await sha256File(join(dir, 'site.csv')),
      pipeline_version: 1,
      created_at: expect.any(String),
      defaults: DEFAULTS,
    });

    const v = await validateCsvFile(join(dir, 'site.csv'), join(dir, 'out'), { defaults: { address_state: 'Madrid' } });
    await od.recordValidation(v);
    expect(JSON.parse(read(dir, 'manifest.json'))).toEqual({
      ...written,
      ready: { rows: 10, sha256: await sha256File(out(dir, 'ready_to_load.csv')) },
      rejected: { rows: 1 },
    });
    expect(await od.verify()).toMatchObject({ readyRows: 10, rejectedRows: 1, resultLines: 0 });
    await od.release();
    expect((await prepare(dir)).resume).toBe(true);
  });

  it('the CSV edited and checkpoint.json deleted: refused like a hash mismatch (before, the edited row kept its old success line)', async () => {
    const dir = await withManifest(runs.complete);
    unlinkSync(out(dir, 'checkpoint.json'));
    writeFileSync(join(dir, 'site.csv'), siteCsv('renamed'));
    const before = snapshot(dir);
    await expectMismatch(prepare(dir), 'input_hash', /belong to a CSV with sha256 [0-9a-f]{64}, this CSV's is [0-9a-f]{64}/);
    expect(snapshot(dir)).toEqual(before);
  });

  it('the CSV edited, with the checkpoint still there: refused too', async () => {
    const dir = await withManifest(runs.partial);
    writeFileSync(join(dir, 'site.csv'), siteCsv('renamed'));
    await expectMismatch(prepare(dir), 'input_hash', /edited or is another file/);
  });

  it('row outputs with neither manifest nor checkpoint cannot be proven to be this CSV’s: refused', async () => {
    const dir = copyOf(runs.complete);
    unlinkSync(out(dir, 'checkpoint.json'));
    if (existsSync(out(dir, 'manifest.json'))) unlinkSync(out(dir, 'manifest.json'));
    await expectMismatch(prepare(dir), 'unproven_outputs', /results\.csv and pending_rows\.csv with no checkpoint\.json/);
    expect(existsSync(out(dir, 'manifest.json'))).toBe(false);
  });

  it('other --default values are refused naming both; the same ones spelled differently are not', async () => {
    const dir = await withManifest(runs.partial);
    await expectMismatch(
      prepare(dir, { defaults: ['address_state=Castilla'] }),
      'defaults',
      /had --default address_state=Madrid, this run has --default address_state=Castilla/,
    );
    await expectMismatch(prepare(dir, { defaults: [] }), 'defaults', /this run has no --default/);
    const od = await prepare(dir, { defaults: [' address_state=Madrid'] });
    expect(od.resume).toBe(true);
  });

  it('another pipeline version is refused', async () => {
    const dir = await withManifest(runs.partial);
    await expectMismatch(prepare(dir, { pipelineVersion: 2 }), 'pipeline_version', /pipeline version 1, this run is version 2/);
  });

  it('a damaged manifest.json is corruption, never a fresh start', async () => {
    const dir = await withManifest(runs.partial);
    writeFileSync(out(dir, 'manifest.json'), '{"input_sha256":');
    expect(await rejection(prepare(dir))).toBeInstanceOf(ManifestCorruptError);
  });
});

describe('damaged outputs are found before anything is appended', () => {
  it.each([
    [
      'results.csv deleted',
      'partial',
      (d: string) => unlinkSync(out(d, 'results.csv')),
      'results.csv',
      'checkpoint_ahead',
      /is gone, but checkpoint\.json says every row before phase 2 and of phase 2 up to row 3 is done: 3 row/,
    ],
    [
      'results.csv emptied',
      'partial',
      (d: string) => writeFileSync(out(d, 'results.csv'), ''),
      'results.csv',
      'checkpoint_ahead',
      /has no result lines/,
    ],
    [
      'a phase-1 results line removed',
      'partial',
      (d: string) => editLines(d, 'results.csv', (l) => l.filter((x) => !x.includes(',1,1,location,'))),
      'results.csv',
      'checkpoint_ahead',
      /no line for row\(s\) 1,/,
    ],
    [
      'a results line of the checkpoint’s phase removed',
      'partial',
      (d: string) => editLines(d, 'results.csv', (l) => l.slice(0, -1)),
      'results.csv',
      'checkpoint_ahead',
      /no line for row\(s\) 3,/,
    ],
    [
      'a results line duplicated',
      'complete',
      (d: string) => editLines(d, 'results.csv', (l) => [...l, l[2]!]),
      'results.csv',
      'duplicate_row',
      /row 2 already has a line of attempt 1 \(line 3\)/,
    ],
    [
      'a results line of a row that is not in ready_to_load.csv',
      'complete',
      (d: string) => editLines(d, 'results.csv', (l) => [...l, l[1]!.replace(',1,1,', ',99,1,')]),
      'results.csv',
      'foreign_line',
      /row_id "99" is not a row/,
    ],
    [
      'a results line with an unknown status',
      'complete',
      (d: string) => editLines(d, 'results.csv', (l) => l.map((x, i) => (i === 1 ? x.replace(',success,', ',done,') : x))),
      'results.csv',
      'foreign_line',
      /status "done"/,
    ],
    [
      'a results line with phase 7',
      'complete',
      (d: string) => editLines(d, 'results.csv', (l) => l.map((x, i) => (i === 1 ? x.replace(',1,1,', ',1,7,') : x))),
      'results.csv',
      'foreign_line',
      /phase "7" is not 1, 2 or 3/,
    ],
    [
      'a results line whose entity_type is not the ready row’s',
      'complete',
      (d: string) => editLines(d, 'results.csv', (l) => l.map((x, i) => (i === 2 ? x.replace(',2,user,', ',2,location,') : x))),
      'results.csv',
      'foreign_line',
      /row 2 of ready_to_load\.csv \(line 3\) is a user row/,
    ],
    [
      'pending_rows.csv deleted',
      'complete',
      (d: string) => unlinkSync(out(d, 'pending_rows.csv')),
      'pending_rows.csv',
      'missing_file',
      /is gone, but it has a line for row 6/,
    ],
    [
      'the pending line of a pending row removed',
      'complete',
      (d: string) => editLines(d, 'pending_rows.csv', (l) => l.slice(0, 1)),
      'pending_rows.csv',
      'missing_pending',
      /has no line for row 6 \(attempt 1\), which results\.csv line \d+ says ended pending/,
    ],
    // Several attempts (the re-run workspace: row 6 pending in attempt 1, success in attempt 2).
    [
      'a success row of attempt 1 with a line of attempt 2',
      'rerun',
      (d: string) => editLines(d, 'results.csv', (l) => [...l, l[2]!.replace(/,1$/, ',2')]),
      'results.csv',
      'duplicate_row',
      /row 2 ended success in attempt 1 \(line 3\), yet has a line of attempt 2/,
    ],
    [
      'a line of an attempt the checkpoint has not started',
      'rerun',
      (d: string) => editLines(d, 'results.csv', (l) => [...l, l.at(-1)!.replace(/,2$/, ',3')]),
      'results.csv',
      'foreign_line',
      /attempt 3, but checkpoint\.json is at attempt 2/,
    ],
    [
      'an attempt cell that is not a number',
      'rerun',
      (d: string) => editLines(d, 'results.csv', (l) => l.map((x, i) => (i === 1 ? x.replace(/,1$/, ',first') : x))),
      'results.csv',
      'foreign_line',
      /attempt "first" is not a whole number/,
    ],
    [
      'the attempt-2 lines of the re-run row removed',
      'rerun',
      (d: string) => {
        for (const f of ['results.csv', 'pending_rows.csv']) editLines(d, f, (l) => l.slice(0, -1));
      },
      'results.csv',
      'checkpoint_ahead',
      /no line for row\(s\) 6 in attempt 2, but checkpoint\.json says every row before phase 3 .* is done in attempt 2/,
    ],
    [
      'rejected_rows.csv deleted',
      'complete',
      (d: string) => unlinkSync(out(d, 'rejected_rows.csv')),
      'rejected_rows.csv',
      'missing_file',
      /validation rejected 1 row/,
    ],
    [
      'a row removed from ready_to_load.csv',
      'partial',
      (d: string) => editLines(d, 'ready_to_load.csv', (l) => l.filter((_, i) => i !== 5)),
      'ready_to_load.csv',
      'manifest_mismatch',
      /9 row\(s\).*manifest\.json says 10/,
    ],
    [
      'results.csv re-saved by Excel (CRLF)',
      'partial',
      (d: string) => writeFileSync(out(d, 'results.csv'), read(d, 'results.csv').replaceAll('\n', '\r\n')),
      'results.csv',
      'line_endings',
      /CRLF/,
    ],
    [
      'a stray quote in results.csv (INVALID_OPENING_QUOTE)',
      'partial',
      (d: string) =>
        editLines(d, 'results.csv', (l) =>
          l.map((x, i) => (i === 2 ? x.replace('Calling already enabled', 'Calling "already" enabled') : x)),
        ),
      'results.csv',
      'malformed_csv',
      /INVALID_OPENING_QUOTE/,
    ],
  ] as const)('%s', async (_label, run, damage, file, kind, message) => {
    const dir = await withManifest(runs[run]);
    damage(dir);
    const before = snapshot(dir);
    const od = await prepare(dir);
    await expectCorrupt(od.verify(), out(dir, file), kind, message);
    await od.release();
    expect(snapshot(dir)).toEqual(before);
  });

  it('the CRLF results.csv is also refused by the executor’s appender at open, with no line appended', async () => {
    const dir = await withManifest(runs.partial);
    const path = out(dir, 'results.csv');
    const crlf = read(dir, 'results.csv').replaceAll('\n', '\r\n');
    writeFileSync(path, crlf);
    await expectCorrupt(openCsvAppender(path, RESULTS_COLUMNS), path, 'line_endings', /Windows \(CRLF\)/);
    expect(readFileSync(path, 'utf8')).toBe(crlf);
  });
});

describe('hygiene', () => {
  const mode = (path: string) => statSync(path).mode & 0o777;

  it.each([
    ['private (default)', undefined, 0o700, 0o600],
    ['shared', 'shared', 0o755, 0o644],
  ] as const)('%s: the folder and every file the run creates in it', async (_label, shared, dirMode, fileMode) => {
    const dir = tempDir('wbp-out-dir-');
    writeFileSync(join(dir, 'site.csv'), siteCsv());
    const before = process.umask(0o002); // a permissive caller umask must not leak into the outputs
    try {
      const od = await prepare(dir, shared ? { mode: shared } : {});
      await od.recordValidation(await validateCsvFile(join(dir, 'site.csv'), join(dir, 'out'), { defaults: { address_state: 'Madrid' } }));
      const results = await openCsvAppender(out(dir, 'results.csv'), RESULTS_COLUMNS);
      await results.close();
      await writeCheckpoint(join(dir, 'out'), {
        pipeline_version: 1,
        input_hash: od.manifest.input_sha256,
        phase: 1,
        last_row_id: 0,
        started_at: new Date().toISOString(),
        updated_at: new Date().toISOString(),
      });
      writeFileSync(out(dir, 'run.log'), ''); // as the logger and the summary write theirs
      expect(mode(join(dir, 'out'))).toBe(dirMode);
      for (const f of readdirSync(join(dir, 'out'))) expect([f, mode(out(dir, f))]).toEqual([f, fileMode]);
      await od.release();
      expect(process.umask()).toBe(0o002); // restored on release
    } finally {
      process.umask(before);
    }
  });

  it.each(['results.csv', 'run.log', 'checkpoint.json'])(
    'a symlink planted as %s is refused before anything is written through it',
    async (name) => {
      const dir = copyOf(runs.partial);
      const victim = join(tempDir('wbp-out-dir-'), 'victim');
      writeFileSync(victim, 'precious');
      rmSync(out(dir, name), { force: true });
      symlinkSync(victim, out(dir, name));
      await expectCorrupt(prepare(dir), out(dir, name), 'not_a_regular_file', /symbolic link/);
      expect(readFileSync(victim, 'utf8')).toBe('precious');
      expect(existsSync(out(dir, LOCK_FILE))).toBe(false);
    },
  );

  it('stale checkpoint and manifest temps are removed at start, whatever pid they name', async () => {
    const dir = copyOf(runs.partial);
    const temps = [`.checkpoint.json.${process.ppid}.0123456789ab.tmp`, `.manifest.json.${2 ** 22 + 1}.0123456789ab.tmp`];
    for (const t of temps) writeFileSync(out(dir, t), '{');
    await prepare(dir);
    for (const t of temps) expect(existsSync(out(dir, t))).toBe(false);
  });

  it('stale temps of every durable file are removed at start: validation, a results/pending rewrite; nothing else', async () => {
    const dir = copyOf(runs.partial);
    // What a SIGKILL mid-`wbp validate` or mid-resume (reopening token failures) leaves behind.
    const temps = ['ready_to_load.csv', 'rejected_rows.csv', 'results.csv', 'pending_rows.csv'].map(
      (name) => `.${name}.${2 ** 22 + 1}.0123456789ab.tmp`,
    );
    const foreign = ['notes.tmp', '.results.csv.tmp', 'results.csv.123.tmp'];
    for (const t of [...temps, ...foreign]) writeFileSync(out(dir, t), 'row_id,');
    const before = readFileSync(out(dir, 'results.csv'), 'utf8');
    await prepare(dir);
    for (const t of temps) expect(existsSync(out(dir, t))).toBe(false);
    for (const t of foreign) expect(existsSync(out(dir, t))).toBe(true);
    expect(readFileSync(out(dir, 'results.csv'), 'utf8')).toBe(before);
  });
});
