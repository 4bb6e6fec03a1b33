import { constants, readFileSync, unlinkSync } from 'node:fs';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { hasErrno, isProcessAlive } from '@wbp/files';
import { OutDirLockedError, type LockHolder } from './errors.js';
import { LOCK_FILE } from './paths.js';

export interface DirLock {
  /** The lock file, `dir/.wbp.lock`. */
  readonly path: string;
  /** What the lock file says (this process). */
  readonly holder: LockHolder;
  /** Removes the lock file if it is still ours. Idempotent. Also done on exit and on a fatal signal. */
  release(): Promise<void>;
}

export interface AcquireDirLockOptions {
  /** What holds the lock, for the message another run gets (e.g. `wbp run site.csv --out out`). */
  command: string;
}

const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;
/** A lock file without lock information younger than this is being written right now. */
const BEING_WRITTEN_MS = 10_000;
/** How long to wait for a lock being written, or for another process's takeover, before giving up. */
const ATTEMPTS = 40;
const PAUSE_MS = 50;

/** Lock files this process holds → the exact text it wrote into each. */
const held = new Map<string, string>();
/** Lock files this process is acquiring right now (a lock with our own pid there is not stale). */
const acquiring = new Set<string>();

/**
 * Takes the exclusive lock of an output directory: `dir/.wbp.lock`, created with O_CREAT|O_EXCL
 * and holding {pid, host, started_at, command}. Rejects with `OutDirLockedError` (naming the
 * holder) when another run holds it, at once, without waiting for it.
 *
 * A lock whose holder is gone is stale and taken over, but only when that can be proven: the
 * holder is on this host and `kill(pid, 0)` says ESRCH. A lock from another host (a shared or
 * network folder, another container) is never taken over: its pid means nothing here.
 *
 * Released by `release()`, and also when the process exits (normally, by an uncaught error or
 * `process.exit`) or is stopped by SIGINT/SIGTERM/SIGHUP that nobody else handles. A SIGKILL
 * leaves the file behind; the next run finds it stale.
 */
export async function acquireDirLock(dir: string, options: AcquireDirLockOptions): Promise<DirLock> {
  const path = join(resolve(dir), LOCK_FILE);
  const holder: LockHolder = { pid: process.pid, host: hostname(), started_at: new Date().toISOString(), command: options.command };
  const text = `${JSON.stringify(holder, null, 2)}\n`;
  const mine = held.get(path);
  if (mine !== undefined || acquiring.has(path)) {
    const current = mine === undefined ? holder : (parseHolder(mine) ?? holder);
    throw new OutDirLockedError(
      path,
      'held_by_this_process',
      `already locked by this process (${describeHolder(current)}); a folder serves one run at a time`,
      current,
    );
  }
  acquiring.add(path);
  try {
    return await acquire(path, holder, text);
  } finally {
    acquiring.delete(path);
  }
}

async function acquire(path: string, holder: LockHolder, text: string): Promise<DirLock> {
  let waitedFor: OutDirLockedError | undefined;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (waitedFor) await sleep(PAUSE_MS);
    waitedFor = undefined;
    if (await createExclusive(path, text)) return hold(path, holder, text);
    const found = await inspect(path);
    if (found === undefined) continue; // released between our create and our look
    const busy = assertStale(path, found);
    if (busy) {
      waitedFor = busy;
      continue;
    }
    const outcome = await takeOver(path, found, text);
    if (outcome === 'won') return hold(path, holder, text);
    if (outcome === 'busy') waitedFor = await takeoverBusy(path);
    // 'lost': the file changed while we looked; examine the new one
  }
  throw (
    waitedFor ??
    new OutDirLockedError(path, 'takeover_in_progress', 'the lock changed hands repeatedly while this run tried to take it; try again')
  );
}

interface FoundLock {
  text: string;
  ino: number;
  mtimeMs: number;
  holder: LockHolder | undefined;
}

/**
 * Throws when the lock is live (or cannot be judged from here); returns an error to wait on when
 * it is still being written; returns undefined when it is stale.
 */
function assertStale(path: string, found: FoundLock): OutDirLockedError | undefined {
  const h = found.holder;
  if (h === undefined) {
    // O_EXCL creates the file empty and the JSON follows a moment later: a young empty file is a
    // run starting this instant. An old one was left by a process killed in between.
    if (Date.now() - found.mtimeMs < BEING_WRITTEN_MS) {
      return new OutDirLockedError(
        path,
        'not_a_lock',
        `holds no lock information: another run is probably creating it this instant; if no wbp run uses this folder, delete ${path}`,
      );
    }
    return undefined;
  }
  const here = hostname();
  if (h.host !== here) {
    throw new OutDirLockedError(
      path,
      'held_other_host',
      `locked by ${describeHolder(h)} on host ${h.host}. Its process cannot be checked from ${here}, so the lock is never taken over automatically; if that run is dead (check on ${h.host}), delete ${path} and start again`,
      h,
    );
  }
  // Our own pid without an entry in `held` is a previous process that had the same pid
  // (common in containers, where every run may be pid 1): stale.
  if (h.pid !== process.pid && isProcessAlive(h.pid)) {
    throw new OutDirLockedError(
      path,
      'held',
      `locked by another run on this host: ${describeHolder(h)}. Two runs on one folder would process every row twice; wait for it to finish or stop it. If pid ${h.pid} is not a wbp run (the pid was reused), delete ${path}`,
      h,
    );
  }
  return undefined;
}

/**
 * Replaces a stale lock with ours.
 *
 * Why a second lock file: "unlink the stale lock, then create ours with O_EXCL" is racy on its
 * own. Two runs that both saw the stale lock S could interleave as A: unlink S, A: create L_A,
 * B: unlink (L_A, believing it is S), B: create L_B — and both would run. A re-check before the
 * unlink narrows that window but cannot close it (B may stall between its re-check and its
 * unlink). So the re-check and the unlink happen while holding `.wbp.lock.takeover` (itself
 * created with O_EXCL): then nobody else can unlink the lock in between — a holder only removes
 * its own lock, the holder of a stale lock is dead, and every other remover must hold the
 * takeover file — so the file we unlink is exactly the stale one we examined (same text, inode
 * and mtime). Runs that start normally never need the takeover file: if one creates its lock
 * between our unlink and our create, our O_EXCL fails and the caller examines that live lock and
 * refuses. The takeover file is only ever removed by the process that created it; if that
 * process dies mid-takeover, the file stays and a later takeover asks for it to be deleted
 * (`takeoverBusy`) — safety over liveness, for a window of microseconds.
 */
async function takeOver(path: string, stale: FoundLock, text: string): Promise<'won' | 'lost' | 'busy'> {
  const mutex = `${path}.takeover`;
  if (!(await createExclusive(mutex, text))) return 'busy';
  try {
    const now = await inspect(path);
    if (now === undefined) return 'lost';
    if (now.text !== stale.text || now.ino !== stale.ino || now.mtimeMs !== stale.mtimeMs) return 'lost';
    await unlink(path);
    return (await createExclusive(path, text)) ? 'won' : 'lost';
  } finally {
    await unlink(mutex).catch((err: unknown) => {
      if (!hasErrno(err, 'ENOENT')) throw err;
    });
  }
}

async function takeoverBusy(path: string): Promise<OutDirLockedError> {
  const mutex = `${path}.takeover`;
  const found = await inspect(mutex).catch(() => undefined);
  const h = found?.holder;
  if (h && h.host === hostname() && !isProcessAlive(h.pid)) {
    return new OutDirLockedError(
      path,
      'takeover_in_progress',
      `${mutex} was left by pid ${h.pid}, which died while taking over a stale lock; if no wbp run is starting on this folder, delete ${mutex} and start again`,
      h,
    );
  }
  return new OutDirLockedError(
    path,
    'takeover_in_progress',
    `another run${h ? ` (${describeHolder(h)})` : ''} is taking over a stale lock of this folder right now; if none is, delete ${mutex}`,
    h,
  );
}

/** Creates `path` with `text` if it does not exist; false if it does. */
async function createExclusive(path: string, text: string): Promise<boolean> {
  let handle: FileHandle;
  try {
    // 'wx' = O_CREAT|O_EXCL: atomic "create if absent"; it also refuses (EEXIST) a symlink at `path`.
    handle = await open(path, 'wx', 0o644);
  } catch (err) {
    if (hasErrno(err, 'EEXIST')) return false;
    throw err;
  }
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } catch (err) {
    await handle.close();
    await unlink(path).catch(() => undefined);
    throw err;
  }
  await handle.close();
  return true;
}

/** The lock file as it is now; undefined when there is none. */
async function inspect(path: string): Promise<FoundLock | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | NO_FOLLOW);
  } catch (err) {
    if (hasErrno(err, 'ENOENT')) return undefined;
    if (hasErrno(err, 'ELOOP'))
      throw new OutDirLockedError(
        path,
        'not_a_lock',
        `is a symbolic link, not a lock written by wbp; if no wbp run uses this folder, delete ${path}`,
      );
    throw err;
  }
  try {
    const info = await handle.stat();
    if (!info.isFile())
      throw new OutDirLockedError(path, 'not_a_lock', `is not a regular file; if no wbp run uses this folder, delete ${path}`);
    const text = await handle.readFile('utf8');
    return { text, ino: info.ino, mtimeMs: info.mtimeMs, holder: parseHolder(text) };
  } finally {
    await handle.close();
  }
}

function parseHolder(text: string): LockHolder | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { pid, host, started_at, command } = value as Record<string, unknown>;
  if (
    !Number.isSafeInteger(pid) ||
    (pid as number) <= 0 ||
    typeof host !== 'string' ||
    host === '' ||
    typeof started_at !== 'string' ||
    typeof command !== 'string'
  )
    return undefined;
  return { pid: pid as number, host, started_at, command };
}

function describeHolder(h: LockHolder): string {
  return `pid ${h.pid} since ${h.started_at}${h.command ? ` (${h.command})` : ''}`;
}

function hold(path: string, holder: LockHolder, text: string): DirLock {
  held.set(path, text);
  hook();
  return {
    path,
    holder,
    async release() {
      if (held.get(path) !== text) return;
      held.delete(path);
      if (held.size === 0) unhook();
      const now = await inspect(path).catch(() => undefined);
      // Only ever remove our own lock: if it was deleted by hand and another run took the
      // folder, that run's lock stays.
      if (now?.text === text) await unlink(path).catch(() => undefined);
    },
  };
}

function releaseAllSync(): void {
  for (const [path, text] of held) {
    try {
      if (readFileSync(path, 'utf8') === text) unlinkSync(path);
    } catch {
      // gone already, or unreadable: nothing of ours to remove
    }
  }
  held.clear();
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const signalHandlers = new Map<NodeJS.Signals, () => void>(SIGNALS.map((signal) => [signal, () => onSignal(signal)]));
let hooked = false;

function hook(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', releaseAllSync);
  // Prepended so that this runs before any other listener, while `once` listeners still count.
  for (const [signal, handler] of signalHandlers) process.prependListener(signal, handler);
}

function unhook(): void {
  if (!hooked) return;
  hooked = false;
  process.removeListener('exit', releaseAllSync);
  for (const [signal, handler] of signalHandlers) process.removeListener(signal, handler);
}

/**
 * A listener stops Node's default "terminate on signal". When another listener handles the signal
 * (the runner's graceful stop), it decides, and the exit hook releases the lock at the end. When
 * ours is the only one, do what the default would have done, minus the stale lock: release,
 * remove our listeners and re-raise the signal, so the process still dies of it.
 */
function onSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) return;
  releaseAllSync();
  unhook();
  process.kill(process.pid, signal);
}
