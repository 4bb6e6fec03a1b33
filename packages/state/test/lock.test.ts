import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanStaleTemps } from '@wbp/files';
import { acquireDirLock, LOCK_FILE, OutDirLockedError, type DirLock } from '@wbp/state';
import { tempDir } from './tmp.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');
const holder = join(here, 'fixtures/hold-lock.ts');
const DEAD_PID = 2 ** 22 + 1; // above Linux's pid_max ceiling, so never a live process

interface Holder {
  child: ChildProcessWithoutNullStreams;
  /** With `onGo`: the child is up and waits for "go". */
  ready: Promise<string>;
  /** What the child printed about the lock: `locked <pid>` or `refused <kind> <message>`. */
  first: Promise<string>;
  exited: Promise<[number | null, NodeJS.Signals | null]>;
}

const children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function start(dir: string, then = 'wait', onGo = false): Holder {
  const child = spawn(process.execPath, ['--conditions=@wbp/source', '--import', 'tsx', holder, dir, then, ...(onGo ? ['--on-go'] : [])], {
    cwd: repoRoot,
    stdio: 'pipe',
  });
  children.push(child);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const line = () =>
    lines.next().then((r) => {
      if (r.done) throw new Error(`holder printed nothing more: ${stderr}`);
      return r.value;
    });
  const ready = onGo ? line() : Promise.resolve('ready');
  const first = ready.then((r) => (r === 'ready' ? line() : r));
  return { child, ready, first, exited };
}

const lockOf = (dir: string) =>
  JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')) as { pid: number; host: string; started_at: string; command: string };

async function refusal(dir: string): Promise<OutDirLockedError> {
  const err: unknown = await acquireDirLock(dir, { command: 'test' }).then(
    async (lock) => {
      await lock.release();
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OutDirLockedError);
  return err as OutDirLockedError;
}

describe('the output folder lock (real processes)', () => {
  it('a second run is refused while the first lives; once the first is SIGKILLed its lock is stale and taken over', async () => {
    const dir = tempDir();
    const first = start(dir);
    const firstPid = first.child.pid!;
    expect(await first.first).toBe(`locked ${firstPid}`);
    expect(lockOf(dir)).toMatchObject({ pid: firstPid, host: hostname(), command: `hold-lock ${dir}` });

    const second = start(dir);
    const line = await second.first;
    expect(line).toMatch(/^refused held /);
    expect(line).toContain(`pid ${firstPid}`);
    expect((await second.exited)[0]).toBe(3);
    const inProcess = await refusal(dir);
    expect(inProcess).toMatchObject({ kind: 'held', holder: { pid: firstPid } });
    expect(inProcess.message).toMatch(/process every row twice/);

    first.child.kill('SIGKILL');
    expect((await first.exited)[1]).toBe('SIGKILL');
    expect(lockOf(dir).pid).toBe(firstPid); // left behind, now stale

    const third = start(dir);
    expect(await third.first).toBe(`locked ${third.child.pid}`);
    expect(lockOf(dir).pid).toBe(third.child.pid);
    third.child.stdin.write('release\n');
    third.child.stdin.end();
    await third.exited;
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  }, 30_000);

  it.each([
    ['a normal end', 'wait', (h: Holder) => h.child.stdin.end(), [0, null]],
    ['process.exit', 'exit', () => undefined, [0, null]],
    ['an uncaught error', 'throw', () => undefined, [1, null]],
    ['SIGTERM (the process still dies of it)', 'wait', (h: Holder) => h.child.kill('SIGTERM'), [null, 'SIGTERM']],
    ['SIGINT (the process still dies of it)', 'wait', (h: Holder) => h.child.kill('SIGINT'), [null, 'SIGINT']],
  ] as const)(
    'is released on %s',
    async (_label, then, stop, status) => {
      const dir = tempDir();
      const h = start(dir, then);
      expect(await h.first).toBe(`locked ${h.child.pid}`);
      stop(h);
      expect(await h.exited).toEqual(status);
      expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    },
    30_000,
  );

  it('racing takeovers of one stale lock: exactly one run wins, every other is refused naming it', async () => {
    for (let round = 0; round < 2; round++) {
      const dir = tempDir();
      writeFileSync(
        join(dir, LOCK_FILE),
        JSON.stringify({ pid: DEAD_PID, host: hostname(), started_at: '2026-01-01T00:00:00.000Z', command: 'wbp run' }),
      );
      const racers = Array.from({ length: 5 }, () => start(dir, 'wait', true));
      // every racer is up and waiting: "go" to all at once, so they reach the lock within a few ms
      await Promise.all(racers.map((r) => r.ready));
      for (const r of racers) r.child.stdin.write('go\n');
      const lines = await Promise.all(racers.map((r) => r.first));
      const winners = lines.filter((l) => l.startsWith('locked '));
      expect(winners, lines.join('\n')).toHaveLength(1);
      const winnerPid = Number(winners[0]!.split(' ')[1]);
      expect(lockOf(dir).pid).toBe(winnerPid);
      for (const l of lines.filter((x) => !x.startsWith('locked ')))
        expect(l).toMatch(new RegExp(`^refused (held|takeover_in_progress) .*pid ${winnerPid}`));
      for (const r of racers) r.child.stdin.end();
      await Promise.all(racers.map((r) => r.exited));
      expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    }
  }, 60_000);
});

describe('the output folder lock (in process)', () => {
  const held: DirLock[] = [];
  afterEach(async () => {
    for (const lock of held.splice(0)) await lock.release();
  });

  it('a lock from another host is never taken over, and the message says who holds it and how to remove it', async () => {
    const dir = tempDir();
    const text = JSON.stringify({
      pid: DEAD_PID,
      host: 'build-agent-7',
      started_at: '2026-01-01T00:00:00.000Z',
      command: 'wbp run site.csv --out out',
    });
    writeFileSync(join(dir, LOCK_FILE), text);
    const err = await refusal(dir);
    expect(err.kind).toBe('held_other_host');
    expect(err.message).toContain('build-agent-7');
    expect(err.message).toContain(`pid ${DEAD_PID}`);
    expect(err.message).toContain(`delete ${join(dir, LOCK_FILE)}`);
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(text);
  });

  it('this process cannot take the same folder twice; after release it can', async () => {
    const dir = tempDir();
    const lock = await acquireDirLock(dir, { command: 'first' });
    expect((await refusal(dir)).kind).toBe('held_by_this_process');
    await lock.release();
    await lock.release(); // idempotent
    held.push(await acquireDirLock(dir, { command: 'again' }));
    expect(lockOf(dir).command).toBe('again');
  });

  it('a lock with our own pid that this process does not hold is a previous process with the same pid: stale', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, LOCK_FILE),
      JSON.stringify({ pid: process.pid, host: hostname(), started_at: '2026-01-01T00:00:00.000Z', command: 'old' }),
    );
    held.push(await acquireDirLock(dir, { command: 'new' }));
    expect(lockOf(dir).command).toBe('new');
  });

  it('an empty lock file: being written if young (refused after a short wait), left by a killed process if old (taken over)', async () => {
    const dir = tempDir();
    const path = join(dir, LOCK_FILE);
    writeFileSync(path, '');
    expect((await refusal(dir)).kind).toBe('not_a_lock');
    const old = new Date(Date.now() - 60_000);
    utimesSync(path, old, old);
    held.push(await acquireDirLock(dir, { command: 'new' }));
    expect(lockOf(dir).pid).toBe(process.pid);
  });

  it('a symlink planted as the lock is refused and its target untouched', async () => {
    const dir = tempDir();
    const target = join(tempDir(), 'elsewhere');
    writeFileSync(target, 'precious');
    symlinkSync(target, join(dir, LOCK_FILE));
    expect((await refusal(dir)).kind).toBe('not_a_lock');
    expect(readFileSync(target, 'utf8')).toBe('precious');
  });

  it('a takeover file left by a takeover that died blocks only takeovers, and says how to clear it', async () => {
    const dir = tempDir();
    const path = join(dir, LOCK_FILE);
    writeFileSync(path, JSON.stringify({ pid: DEAD_PID, host: hostname(), started_at: '2026-01-01T00:00:00.000Z', command: 'dead run' }));
    writeFileSync(
      `${path}.takeover`,
      JSON.stringify({ pid: DEAD_PID + 1, host: hostname(), started_at: '2026-01-01T00:00:01.000Z', command: 'dead taker' }),
    );
    const err = await refusal(dir);
    expect(err.kind).toBe('takeover_in_progress');
    expect(err.message).toContain(`delete ${path}.takeover`);
  });

  it('with the lock held, every checkpoint/manifest temp not being written by this process is stale, even one naming a live pid', async () => {
    const dir = tempDir();
    const live = `.checkpoint.json.${process.ppid}.0123456789ab.tmp`;
    const manifestTemp = `.manifest.json.${process.ppid}.0123456789ab.tmp`;
    writeFileSync(join(dir, live), '');
    writeFileSync(join(dir, manifestTemp), '');
    expect(await cleanStaleTemps(dir)).toEqual([]);
    held.push(await acquireDirLock(dir, { command: 'test' }));
    expect((await cleanStaleTemps(dir, { lockHeld: true })).sort()).toEqual([join(dir, live), join(dir, manifestTemp)].sort());
  });
});
