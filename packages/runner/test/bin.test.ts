import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SITE_CSV, workspace } from './helpers.js';

const bin = join(import.meta.dirname, '..', 'bin', 'wbp.mjs');

describe('bin/wbp.mjs', () => {
  it('runs the TypeScript CLI from any directory, with the exit code of the command', async () => {
    const dir = await workspace({ 'site.csv': SITE_CSV });
    const ok = spawnSync(bin, ['validate', 'site.csv', '--out', 'out'], { cwd: dir, encoding: 'utf8' });
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('  rejected  2');
    expect(existsSync(join(dir, 'out', 'ready_to_load.csv'))).toBe(true);
    const failed = spawnSync(bin, ['validate', 'site.csv', '--out', 'out', '--fail-on-rejected'], { cwd: dir, encoding: 'utf8' });
    expect(failed.status).toBe(1);
  }, 30_000);
});
