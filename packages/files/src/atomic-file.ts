import { open, rename, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { syncDirectory } from './sync-directory.js';
import { claimTempPath, releaseTempPath } from './temp-files.js';

/** Tail of the write queue per file, so writes to one file never overlap. */
const queues = new Map<string, Promise<void>>();

/**
 * Replaces `dir/name` with `text` atomically: the file on disk is always either the previous one
 * or this one, complete, even if the process is killed mid-write or the machine loses power after
 * the promise resolves. Calls for the same file run one after another in call order, so the last
 * call wins; a failed write does not stop the ones queued behind it.
 */
export function replaceFileAtomically(dir: string, name: string, text: string): Promise<void> {
  const key = resolve(dir);
  const file = join(key, name);
  const previous = queues.get(file) ?? Promise.resolve();
  const current = previous.then(() => replaceFile(key, name, text));
  // The queue itself must never reject, or one failed write would fail every later one.
  const tail = current.catch(() => undefined);
  queues.set(file, tail);
  void tail.then(() => {
    if (queues.get(file) === tail) queues.delete(file);
  });
  return current;
}

async function replaceFile(dir: string, name: string, text: string): Promise<void> {
  const temp = claimTempPath(dir, name);
  try {
    // 'wx': never reuse an existing file, whoever left it there (O_EXCL does not follow a
    // symlink planted at the temp's name either). The mode is narrowed by the process umask.
    const file = await open(temp, 'wx', 0o644);
    try {
      await file.writeFile(text, 'utf8');
      // Without this the rename can reach the disk before the data, leaving an empty file after
      // a power loss.
      await file.sync();
    } finally {
      await file.close();
    }
    // rename replaces a symlink at `name` itself, it never writes through it.
    await rename(temp, join(dir, name));
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  } finally {
    releaseTempPath(temp);
  }
  await syncDirectory(dir);
}
