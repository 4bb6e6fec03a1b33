import { open } from 'node:fs/promises';
import { hasErrno } from './errno.js';

/**
 * Makes a rename (or a new file) durable: it lives in the directory entry, not in the file. The one
 * directory fsync of wbp (atomic replaces, validation's renames, a new output file's first sync).
 */
export async function syncDirectory(dir: string): Promise<void> {
  // Windows cannot open a directory for fsync, and NTFS journals renames anyway.
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch (err) {
    // Some filesystems (certain network and FUSE mounts) do not support fsync on a directory;
    // the rename has still happened, there is just no stronger guarantee to be had.
    // EISDIR: some platforms refuse fsync on a descriptor opened for reading a directory.
    if (!hasErrno(err, 'EINVAL', 'EISDIR', 'ENOTSUP', 'EOPNOTSUPP')) throw err;
  } finally {
    await handle.close();
  }
}
