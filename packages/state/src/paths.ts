import { join } from 'node:path';
import { CHECKPOINT_FILE } from './checkpoint.js';

/** Where the checkpoint of a run whose outputs live in `dir` is kept. */
export function checkpointPath(dir: string): string {
  return join(dir, CHECKPOINT_FILE);
}
