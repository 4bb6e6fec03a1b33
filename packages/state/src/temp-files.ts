import { randomBytes } from 'node:crypto';
import { readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { CHECKPOINT_FILE } from './checkpoint.js';
import { hasErrno } from './errno.js';

// The leading dot and the .tmp suffix keep a temp file from ever being mistaken for the
// checkpoint (the reader opens checkpoint.json by name only); the pid tells a stale temp from
// one another live writer is still filling.
const TEMP_PATTERN = /^\.checkpoint\.json\.(\d+)\.[0-9a-f]+\.tmp$/;

/** Temps this process is writing right now; `cleanStaleTemps` must not pull them from under us. */
const inFlight = new Set<string>();

/** A fresh temp path in `dir` (same directory, so the rename over checkpoint.json is atomic). */
export function claimTempPath(dir: string): string {
  const path = join(dir, `.${CHECKPOINT_FILE}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  inFlight.add(path);
  return path;
}

export function releaseTempPath(path: string): void {
  inFlight.delete(path);
}

/**
 * Deletes temp files left in `dir` by writers that died mid-write (crash, SIGKILL). They are
 * harmless to `readCheckpoint`, which never looks at them; this only keeps the output directory
 * (and the artifacts uploaded from it) tidy. Temps of a live process are left alone. Returns the
 * paths removed.
 */
export async function cleanStaleTemps(dir: string): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(dir)) {
    const pid = TEMP_PATTERN.exec(name)?.[1];
    if (pid === undefined) continue;
    const path = join(dir, name);
    if (inFlight.has(path)) continue;
    // Our own pid with no write in flight is a previous process that had the same pid (common
    // in containers), so it is stale too.
    if (Number(pid) !== process.pid && isAlive(Number(pid))) continue;
    try {
      await unlink(path);
      removed.push(path);
    } catch (err) {
      if (!hasErrno(err, 'ENOENT')) throw err;
    }
  }
  return removed;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return hasErrno(err, 'EPERM');
  }
}
