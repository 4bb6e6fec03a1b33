import { open, rename, unlink } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type Checkpoint, validateCheckpoint } from './checkpoint.js';
import { InvalidCheckpointError } from './errors.js';
import { hasErrno } from './errno.js';
import { checkpointPath } from './paths.js';
import { claimTempPath, releaseTempPath } from './temp-files.js';

/** Tail of the write queue per directory, so writes to one checkpoint never overlap. */
const queues = new Map<string, Promise<void>>();

/**
 * Replaces `dir/checkpoint.json` atomically (term sheet §12.4): the file on disk is always either
 * the previous checkpoint or this one, complete, even if the process is killed mid-write or the
 * machine loses power after the promise resolves.
 *
 * The checkpoint is validated and serialised at call time, so an invalid one rejects with
 * `InvalidCheckpointError` and nothing is written, and mutating the object afterwards has no
 * effect. Calls for the same directory run one after another in call order, so the last call
 * wins; a failed write does not stop the ones queued behind it.
 */
export function writeCheckpoint(dir: string, checkpoint: Checkpoint): Promise<void> {
  const checked = validateCheckpoint(checkpoint);
  if (!checked.ok) return Promise.reject(new InvalidCheckpointError(checked.reason));
  const text = `${JSON.stringify(checked.value, null, 2)}\n`;

  const key = resolve(dir);
  const previous = queues.get(key) ?? Promise.resolve();
  const current = previous.then(() => replaceFile(key, text));
  // The queue itself must never reject, or one failed write would fail every later one.
  const tail = current.catch(() => undefined);
  queues.set(key, tail);
  void tail.then(() => {
    if (queues.get(key) === tail) queues.delete(key);
  });
  return current;
}

async function replaceFile(dir: string, text: string): Promise<void> {
  const temp = claimTempPath(dir);
  try {
    // 'wx': never reuse an existing file, whoever left it there.
    const file = await open(temp, 'wx', 0o644);
    try {
      await file.writeFile(text, 'utf8');
      // Without this the rename can reach the disk before the data, leaving an empty
      // checkpoint.json after a power loss.
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, checkpointPath(dir));
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  } finally {
    releaseTempPath(temp);
  }
  await syncDirectory(dir);
}

/** Makes the rename itself durable: it lives in the directory entry, not in the file. */
async function syncDirectory(dir: string): Promise<void> {
  // Windows cannot open a directory for fsync, and NTFS journals renames anyway.
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch (err) {
    // Some filesystems (certain network and FUSE mounts) do not support fsync on a directory;
    // the rename has still happened, there is just no stronger guarantee to be had.
    if (!hasErrno(err, 'EINVAL', 'ENOTSUP', 'EOPNOTSUPP')) throw err;
  } finally {
    await handle.close();
  }
}
