import type { Checkpoint } from '@wbp/state';
import { describe, expect, it } from 'vitest';
import { plannedAttempt } from '../src/index.js';

const checkpoint = { attempt: 2 } as Checkpoint;

describe('plannedAttempt', () => {
  it('numbers the attempt from the checkpoint decision alone', () => {
    expect(plannedAttempt({ kind: 'fresh' })).toEqual({ attempt: 1, kind: 'first' });
    expect(plannedAttempt({ kind: 'resume', phase: 2, nextRowId: 5, attempt: 2, checkpoint })).toEqual({ attempt: 2, kind: 'resume' });
    expect(plannedAttempt({ kind: 'finished', attempt: 2, checkpoint })).toEqual({ attempt: 3, kind: 're_run' });
  });
  it('has none for a checkpoint of another CSV or pipeline version', () => {
    expect(plannedAttempt({ kind: 'hash_mismatch', expected: 'a', actual: 'b' })).toBeUndefined();
    expect(plannedAttempt({ kind: 'version_mismatch', expected: 1, actual: 2 })).toBeUndefined();
  });
});
