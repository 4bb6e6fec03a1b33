import { randomBytes } from 'node:crypto';
import { readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isProcessAlive } from './alive.js';
import { hasErrno } from './errno.js';
import { CHECKPOINT_FILE, MANIFEST_FILE } from './paths.js';

// The leading dot and the .tmp suffix keep a temp file from ever being mistaken for the file it
// replaces (readers open checkpoint.json / manifest.json by name only); the pid tells a stale
// temp from one another live writer is still filling.
const TEMP_PATTERN = new RegExp(`^\\.(?:${[CHECKPOINT_FILE, MANIFEST_FILE].map((n) => n.replaceAll('.', '\\.')).join('|')})\\.(\\d+)\\.[0-9a-f]+\\.tmp$`);

/** Temps this process is writing right now; `cleanStaleTemps` must not pull them from under us. */
const inFlight = new Set<string>();

/** A fresh temp path in `dir` for replacing `dir/name` (same directory, so the rename is atomic). */
export function claimTempPath(dir: string, name: string = CHECKPOINT_FILE): string {
  const path = join(dir, `.${name}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  inFlight.add(path);
  return path;
}

export function releaseTempPath(path: string): void {
  inFlight.delete(path);
}

export interface CleanStaleTempsOptions {
  /**
   * This process holds the directory's lock (`acquireDirLock`): no other process may write here,
   * so every temp not being written by this process is stale, whatever its pid says (the pid of
   * a dead writer may since have been reused by an unrelated live process).
   */
  lockHeld?: boolean;
}

/**
 * Deletes temp files left in `dir` by writers of checkpoint.json or manifest.json that died
 * mid-write (crash, SIGKILL). They are harmless to the readers, which never look at them; this
 * only keeps the output directory (and the artifacts uploaded from it) tidy. Without `lockHeld`,
 * temps of a live process are left alone. Returns the paths removed.
 */
export async function cleanStaleTemps(dir: string, options: CleanStaleTempsOptions = {}): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(dir)) {
    const pid = TEMP_PATTERN.exec(name)?.[1];
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
