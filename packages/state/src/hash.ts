import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/**
 * sha256 of a file's bytes as lower-case hex: the checkpoint's `input_hash`. Streams, so a large
 * CSV is never held in memory. Hashes the raw bytes, not the parsed rows, so any edit to the CSV
 * (even whitespace or line endings) counts as a different input.
 */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
