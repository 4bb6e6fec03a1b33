import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCsvAppender, readCsvRecords } from '@wbp/files';
import { tempDir } from '../../../test-support/temp-dir.js';

const packageDir = join(import.meta.dirname, '..');

/** Starts the appending child, lets it write for a while, then SIGKILLs it. */
async function appendThenKill(path: string, payloadSize: number, minBytes: number): Promise<void> {
  const child = spawn(
    process.execPath,
    ['--conditions=@wbp/source', '--import', 'tsx', 'test/fixtures/append-forever.ts', path, String(payloadSize)],
    {
      cwd: packageDir,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('error', reject);
  });
  for (;;) {
    const size = await stat(path).then(
      (s) => s.size,
      () => 0,
    );
    if (size >= minBytes) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
}

describe('kill safety', () => {
  it('a SIGKILLed writer leaves every record whole, and the file can be appended to again', async () => {
    const dir = tempDir('wbp-kill-');
    const path = join(dir, 'results.csv');
    const columns = ['seq', 'payload', 'check'] as const;
    let expected = 0;
    for (const [round, payloadSize] of [300, 3_000, 300].entries()) {
      await appendThenKill(path, payloadSize, (round + 1) * 400_000);
      let seq = 0;
      for await (const record of readCsvRecords(path, columns)) {
        // each round restarts seq at 0
        if (record.seq === '0') seq = 0;
        expect(record.seq).toBe(String(seq));
        expect(record.check).toBe(`end-${seq}`);
        expect(record.payload.endsWith(`,"\n${seq}`)).toBe(true);
        seq++;
        expected++;
      }
      const reopened = await openCsvAppender(path, columns); // verifies the whole file again
      expect(reopened.records).toBe(expected);
      await reopened.close();
      expected = 0;
    }
  }, 60_000);
});
