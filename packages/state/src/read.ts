import { readFile } from 'node:fs/promises';
import { type Checkpoint, validateCheckpoint } from './checkpoint.js';
import { CheckpointCorruptError } from './errors.js';
import { hasErrno } from '@wbp/files';
import { checkpointPath } from './paths.js';
import type { Validation } from './schema-parts.js';

/**
 * Reads `dir/checkpoint.json`. Resolves `undefined` when there is none (a fresh run) and rejects
 * with `CheckpointCorruptError` when there is one that cannot be trusted: the run must then stop
 * (term sheet §14.10) rather than start over or resume from a guess. Other I/O failures
 * (permissions, a directory named checkpoint.json) reject with the underlying system error.
 *
 * Temp files of an interrupted write are never read: checkpoint.json is only ever replaced by
 * rename, so it is the old complete file or the new complete file.
 */
export function readCheckpoint(dir: string): Promise<Checkpoint | undefined> {
  const path = checkpointPath(dir);
  return readJsonFile(path, validateCheckpoint, (reason, cause) => new CheckpointCorruptError(path, reason, { cause }));
}

/**
 * The JSON state file at `path` checked against its schema: `undefined` when there is none, the
 * error made by `corrupt` when it is empty, not UTF-8, not JSON, or not the schema.
 */
export async function readJsonFile<T>(
  path: string,
  validate: (value: unknown) => Validation<T>,
  corrupt: (reason: string, cause?: unknown) => Error,
): Promise<T | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    if (hasErrno(err, 'ENOENT')) return undefined;
    throw err;
  }
  if (bytes.length === 0) throw corrupt('the file is empty');
  let text: string;
  try {
    // fatal: a lenient decoder would turn damaged bytes into U+FFFD and hide the damage.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (err) {
    throw corrupt('the file is not valid UTF-8', err);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw corrupt(`not valid JSON (${detail})`, err);
  }
  const checked = validate(json);
  if (!checked.ok) throw corrupt(checked.reason);
  return checked.value;
}
