import type { Checkpoint } from '@wbp/state';
import { tempDir as freshDir } from '../../../test-support/temp-dir.js';

/** A fresh directory on the real filesystem, removed after the test. */
export const tempDir = (): string => freshDir('wbp-state-');

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
