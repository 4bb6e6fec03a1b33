import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, onTestFinished } from 'vitest';

const remove = (dir: string): void => rmSync(dir, { recursive: true, force: true });

// Directories made outside a test (in beforeAll or a describe body) serve the whole file.
const forTheFile: string[] = [];
afterAll(() => {
  for (const dir of forTheFile.splice(0)) remove(dir);
});

/**
 * A fresh directory under the OS temp directory, on the real filesystem. Made inside a test, it is
 * removed when that test ends; made in `beforeAll` or a `describe` body, when the file's tests end.
 * `prefix` names the test in the directory's name, for whoever finds one left by a killed run.
 */
export function tempDir(prefix = 'wbp-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    onTestFinished(() => remove(dir));
  } catch {
    // Not inside a test: vitest refuses a test hook there.
    forTheFile.push(dir);
  }
  return dir;
}
