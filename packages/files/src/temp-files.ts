import { randomBytes } from 'node:crypto';
import { readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isProcessAlive } from './alive.js';
import { hasErrno } from './errno.js';

// One naming scheme for every temp file wbp writes beside the file it will replace
// (`.NAME.PID.HEX.tmp`): the leading dot and the .tmp suffix keep a temp from ever being mistaken
// for the file it replaces (readers open checkpoint.json, results.csv, ready_to_load.csv … by name
// only); the pid tells a stale temp from one another live writer is still filling; the random
// part keeps two writers of one file apart. `cleanStaleTemps` recognises exactly this shape.
const TEMP_PATTERN = /^\.(.+)\.(\d+)\.[0-9a-f]{12}\.tmp$/;

/** Temps this process is writing right now; `cleanStaleTemps` must not pull them from under us. */
const inFlight = new Set<string>();

/**
 * A fresh temp path in `dir` for replacing `dir/name` (same directory, so the rename is atomic).
 * Release it with `releaseTempPath` once it is renamed into place or deleted.
 */
export function claimTempPath(dir: string, name: string): string {
  const path = join(dir, `.${name}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  inFlight.add(path);
  return path;
}

export function releaseTempPath(path: string): void {
  inFlight.delete(path);
}

export interface CleanStaleTempsOptions {
  /**
   * This process holds the directory's lock (`acquireDirLock` in @wbp/state): no other process
   * may write here, so every temp not being written by this process is stale, whatever its pid
   * says (the pid of a dead writer may since have been reused by an unrelated live process).
   */
  lockHeld?: boolean;
}

/**
 * Deletes temp files (`claimTempPath`'s shape) left in `dir` by writers that died mid-write (crash,
 * SIGKILL): a checkpoint or manifest replace, a results/pending rewrite, validation's
 * ready_to_load.csv and rejected_rows.csv. They are harmless to the readers, which never look at
 * them; this keeps the output directory (and the artifacts uploaded from it) tidy, and `wbp run`
 * calls it at start, under the lock. Without `lockHeld`, temps of a live process are left alone.
 * Returns the paths removed.
 */
export async function cleanStaleTemps(dir: string, options: CleanStaleTempsOptions = {}): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(dir)) {
    const pid = TEMP_PATTERN.exec(name)?.[2];
    if (pid === undefined) continue;
    const path = join(dir, name);
    if (inFlight.has(path)) continue;
    // Our own pid with no write in flight is a previous process that had the same pid (common
    // in containers), so it is stale too.
    if (!options.lockHeld && Number(pid) !== process.pid && isProcessAlive(Number(pid))) continue;
    try {
      await unlink(path);
      removed.push(path);
    } catch (err) {
      if (!hasErrno(err, 'ENOENT')) throw err;
    }
  }
  return removed;
}
