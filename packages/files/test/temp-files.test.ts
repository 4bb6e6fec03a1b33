import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { claimTempPath, cleanStaleTemps, releaseTempPath, replaceFileAtomically } from '@wbp/files';
import { tempDir } from '../../../test-support/temp-dir.js';

const deadPid = 2 ** 22 + 1; // above Linux's pid_max ceiling, so never a live process

describe('one temp-file scheme', () => {
  it('claimTempPath names a hidden temp beside the file, with this pid', () => {
    const dir = tempDir('wbp-files-temps-');
    const path = claimTempPath(dir, 'ready_to_load.csv');
    releaseTempPath(path);
    expect(basename(path)).toMatch(new RegExp(`^\\.ready_to_load\\.csv\\.${process.pid}\\.[0-9a-f]{12}\\.tmp$`));
  });

  it('cleanStaleTemps removes stale temps of any durable file, and leaves other files and live temps alone', async () => {
    const dir = tempDir('wbp-files-temps-');
    const stale = ['checkpoint.json', 'manifest.json', 'ready_to_load.csv', 'rejected_rows.csv', 'results.csv'].map(
      (n) => `.${n}.${deadPid}.0123456789ab.tmp`,
    );
    const live = `.results.csv.${process.ppid}.0123456789ab.tmp`;
    const others = ['results.csv', 'notes.tmp', '.results.csv.tmp', `.results.csv.${deadPid}.xyz.tmp`];
    for (const name of [...stale, live, ...others]) writeFileSync(join(dir, name), '');
    const inFlight = claimTempPath(dir, 'results.csv');
    writeFileSync(inFlight, '');
    expect((await cleanStaleTemps(dir)).sort()).toEqual(stale.map((n) => join(dir, n)).sort());
    expect(readdirSync(dir).sort()).toEqual([live, ...others, basename(inFlight)].sort());
    // Under the folder lock a live pid proves nothing (it may be a reused pid): only our own in-flight temp stays.
    expect(await cleanStaleTemps(dir, { lockHeld: true })).toEqual([join(dir, live)]);
    expect(existsSync(inFlight)).toBe(true);
    releaseTempPath(inFlight);
  });

  it('replaceFileAtomically leaves no temp behind', async () => {
    const dir = tempDir('wbp-files-temps-');
    await replaceFileAtomically(dir, 'results.csv', 'a\n');
    await replaceFileAtomically(dir, 'results.csv', 'b\n');
    expect(readdirSync(dir)).toEqual(['results.csv']);
    expect(readFileSync(join(dir, 'results.csv'), 'utf8')).toBe('b\n');
  });
});
