import { join } from 'node:path';

/** The checkpoint's file name inside the run's output directory (term sheet §12.4). */
export const CHECKPOINT_FILE = 'checkpoint.json';

/** Which CSV (and defaults) the outputs of a directory belong to; see manifest.ts. */
export const MANIFEST_FILE = 'manifest.json';

/** The exclusive lock of a directory's run; see lock.ts. */
export const LOCK_FILE = '.wbp.lock';

/** Where the checkpoint of a run whose outputs live in `dir` is kept. */
export function checkpointPath(dir: string): string {
  return join(dir, CHECKPOINT_FILE);
}
