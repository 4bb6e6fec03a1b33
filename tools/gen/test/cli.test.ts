import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test-support/temp-dir.js';

const bin = join(import.meta.dirname, '..', 'bin', 'wbp-gen.mjs');

describe('wbp-gen', () => {
  it('writes input.csv, people.csv and numbers.csv, identically for the same seed', async () => {
    const dir = tempDir('wbp-gen-cli-');
    const run = (out: string) => spawnSync(bin, ['--rows', '300', '--seed', '9', '--out', out], { cwd: tmpdir(), encoding: 'utf8' });
    const first = run(join(dir, 'a'));
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/^wbp-gen: 300 rows \(seed 9\) in \d+ ms/);
    expect(run(join(dir, 'b')).status).toBe(0);
    for (const file of ['input.csv', 'people.csv', 'numbers.csv']) {
      expect(await readFile(join(dir, 'b', file), 'utf8')).toBe(await readFile(join(dir, 'a', file), 'utf8'));
    }
  }, 30_000);

  it('exits 2 on bad arguments', () => {
    const result = spawnSync(bin, ['--rows', 'lots', '--out', 'x'], { cwd: tmpdir(), encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('usage: wbp-gen');
  }, 30_000);
});
