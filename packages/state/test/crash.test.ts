import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { cleanStaleTemps } from '@wbp/files';
import { readCheckpoint } from '@wbp/state';
import { tempDir } from './tmp.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');
const writer = join(here, 'fixtures/write-loop.ts');

const LANES = 3;
const KILLS_PER_LANE = 8;

/**
 * Starts a writer that numbers its checkpoints from `first`, waits until it reports having
 * completed `first + extra`, SIGKILLs it right there (it is still writing at full speed, so the
 * kill lands anywhere in the tmp → fsync → rename → fsync cycle) and resolves once it is dead.
 */
async function killMidStream(dir: string, first: number, extra: number): Promise<number> {
  const child = spawn(process.execPath, ['--conditions=@wbp/source', '--import', 'tsx', writer, dir, String(first)], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = once(child, 'exit');
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const target = first + extra;
  let confirmed = 0;
  for await (const line of createInterface({ input: child.stdout })) {
    const row = Number(/^wrote (\d+)$/.exec(line)?.[1]);
    if (row >= target) {
      confirmed = row;
      child.kill('SIGKILL');
      break;
    }
  }
  const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null];
  if (signal !== 'SIGKILL') throw new Error(`writer exited on its own (code ${code}): ${stderr}`);
  return confirmed;
}

async function lane(): Promise<number> {
  const dir = tempDir();
  let next = 1;
  let leftovers = 0;
  for (let kill = 0; kill < KILLS_PER_LANE; kill++) {
    const confirmed = await killMidStream(dir, next, Math.floor(Math.random() * 40));
    // Whatever instant the kill hit, the reader sees one whole checkpoint, never a torn one, and
    // never one older than a write the child had already seen complete.
    const cp = await readCheckpoint(dir);
    expect(cp).toBeDefined();
    expect(cp!.last_row_id).toBeGreaterThanOrEqual(confirmed);
    expect(cp).toMatchObject({ pipeline_version: 1, phase: 3, input_hash: 'c'.repeat(64) });
    // The writer is dead, so any temp it left is stale; after cleaning only the checkpoint remains.
    leftovers += (await cleanStaleTemps(dir)).length;
    expect(readdirSync(dir)).toEqual(['checkpoint.json']);
    next = cp!.last_row_id + 1;
  }
  return leftovers;
}

it(`checkpoint.json survives SIGKILL at random instants (${LANES * KILLS_PER_LANE} kills)`, async () => {
  const leftovers = await Promise.all(Array.from({ length: LANES }, lane));
  // Informational: how often a kill landed between creating the temp file and the rename.
  console.info(`temp files left by killed writers: ${leftovers.reduce((a, b) => a + b, 0)}`);
}, 30_000);
