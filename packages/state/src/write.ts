import { replaceFileAtomically } from '@wbp/files';
import { validateCheckpoint, type Checkpoint } from './checkpoint.js';
import { InvalidCheckpointError } from './errors.js';
import { CHECKPOINT_FILE } from './paths.js';

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
  return replaceFileAtomically(dir, CHECKPOINT_FILE, `${JSON.stringify(checked.value, null, 2)}\n`);
}
