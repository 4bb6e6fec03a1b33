import { readFile } from 'node:fs/promises';
import { type Checkpoint, validateCheckpoint } from './checkpoint.js';
import { CheckpointCorruptError } from './errors.js';
import { hasErrno } from './errno.js';
import { checkpointPath } from './paths.js';

/**
 * Reads `dir/checkpoint.json`. Resolves `undefined` when there is none (a fresh run) and rejects
 * with `CheckpointCorruptError` when there is one that cannot be trusted: the run must then stop
 * (term sheet §14.10) rather than start over or resume from a guess. Other I/O failures
 * (permissions, a directory named checkpoint.json) reject with the underlying system error.
 *
 * Temp files of an interrupted write are never read: checkpoint.json is only ever replaced by
 * rename, so it is the old complete file or the new complete file.
 */
export async function readCheckpoint(dir: string): Promise<Checkpoint | undefined> {
  const path = checkpointPath(dir);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    if (hasErrno(err, 'ENOENT')) return undefined;
    throw err;
  }
  return parseCheckpointFile(path, bytes);
}

function parseCheckpointFile(path: string, bytes: Uint8Array): Checkpoint {
  if (bytes.length === 0) throw new CheckpointCorruptError(path, 'the file is empty');
  let text: string;
  try {
    // fatal: a lenient decoder would turn damaged bytes into U+FFFD and hide the damage.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (err) {
    throw new CheckpointCorruptError(path, 'the file is not valid UTF-8', { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new CheckpointCorruptError(path, `not valid JSON (${detail})`, { cause: err });
  }
  const checked = validateCheckpoint(json);
  if (!checked.ok) throw new CheckpointCorruptError(path, checked.reason);
  return checked.value;
}
