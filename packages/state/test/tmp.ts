import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { Checkpoint } from '@wbp/state';

const made: string[] = [];

afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh directory on the real filesystem, removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wbp-state-'));
  made.push(dir);
  return dir;
}

export const HASH = 'a'.repeat(64);

export function sample(overrides: Partial<Checkpoint> = {}): Checkpoint {
  return {
    pipeline_version: 1,
    input_hash: HASH,
    phase: 2,
    last_row_id: 41,
    started_at: '2026-02-05T09:00:00.000Z',
    updated_at: '2026-02-05T09:12:30.250Z',
    ...overrides,
  };
}
