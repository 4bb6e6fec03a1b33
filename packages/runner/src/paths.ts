import { constants } from 'node:fs';
import { access, mkdir, stat } from 'node:fs/promises';

/** A file-system error as a predicate for a one-line message: `<path> <reason>`. */
export function fsReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'does not exist';
    case 'EACCES':
    case 'EPERM':
      return 'is not accessible (permission denied)';
    case 'EROFS':
      return 'is on a read-only file system';
    case 'EEXIST':
    case 'ENOTDIR':
      return 'is a file (or inside one), not a folder';
    default:
      return `cannot be used (${code ?? (err instanceof Error ? err.message : String(err))})`;
  }
}

/** Creates the output folder if needed; says why it cannot take the outputs, or undefined when it can. */
export async function unusableOutDir(dir: string): Promise<string | undefined> {
  try {
    await mkdir(dir, { recursive: true });
    if (!(await stat(dir)).isDirectory()) return fsReason({ code: 'ENOTDIR' });
    await access(dir, constants.W_OK | constants.X_OK);
    return undefined;
  } catch (err) {
    return fsReason(err);
  }
}

/** Says why `file` cannot be read as the input CSV, or undefined when it can. */
export async function unreadableFile(file: string): Promise<string | undefined> {
  try {
    if (!(await stat(file)).isFile()) return 'is not a regular file';
    await access(file, constants.R_OK);
    return undefined;
  } catch (err) {
    return fsReason(err);
  }
}
