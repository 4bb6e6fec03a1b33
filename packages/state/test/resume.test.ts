import { describe, expect, it } from 'vitest';
import { HASH, sample as cp } from './tmp.js';
import { checkResume } from '../src/resume.js';

const OTHER = 'f'.repeat(64);

describe('checkResume', () => {
  it('no checkpoint → fresh run', () => {
    expect(checkResume(undefined, { inputHash: HASH, pipelineVersion: 1 })).toEqual({ kind: 'fresh' });
  });

  it('same input and version → resume at last_row_id + 1 of the same phase', () => {
    const checkpoint = cp();
    expect(checkResume(checkpoint, { inputHash: HASH, pipelineVersion: 1 })).toEqual({
      kind: 'resume',
      phase: 2,
      nextRowId: 42,
      attempt: 1,
      checkpoint,
    });
  });

  it('a checkpoint of attempt 2 not finished → resume attempt 2 (a crash during a re-run goes on with it)', () => {
    const checkpoint = cp({ attempt: 2, attempt_started_at: '2026-12-07T08:00:00.000Z' });
    expect(checkResume(checkpoint, { inputHash: HASH })).toEqual({ kind: 'resume', phase: 2, nextRowId: 42, attempt: 2, checkpoint });
  });

  it('a finished attempt → finished (the next invocation re-runs the pending rows as attempt + 1)', () => {
    const checkpoint = cp({ phase: 3, attempt: 2, attempt_finished_at: '2026-12-07T09:00:00.000Z' });
    expect(checkResume(checkpoint, { inputHash: HASH })).toEqual({ kind: 'finished', attempt: 2, checkpoint });
    // Without `attempt` (written before attempts existed) a finished checkpoint is attempt 1.
    const old = cp({ phase: 3, attempt_finished_at: '2026-12-07T09:00:00.000Z' });
    expect(checkResume(old, { inputHash: HASH })).toMatchObject({ kind: 'finished', attempt: 1 });
  });

  it('a hash or version mismatch wins over a finished attempt', () => {
    expect(checkResume(cp({ attempt_finished_at: '2026-12-07T09:00:00.000Z' }), { inputHash: OTHER })).toMatchObject({
      kind: 'hash_mismatch',
    });
  });

  it('last_row_id 0 → the phase starts at row 1', () => {
    expect(checkResume(cp({ phase: 3, last_row_id: 0 }), { inputHash: HASH })).toMatchObject({
      kind: 'resume',
      phase: 3,
      nextRowId: 1,
    });
  });

  it('another CSV → hash_mismatch (expected = checkpoint, actual = this run)', () => {
    expect(checkResume(cp(), { inputHash: OTHER, pipelineVersion: 1 })).toEqual({
      kind: 'hash_mismatch',
      expected: HASH,
      actual: OTHER,
    });
  });

  it('another pipeline version → version_mismatch, checked before the hash', () => {
    expect(checkResume(cp({ pipeline_version: 1 }), { inputHash: OTHER, pipelineVersion: 2 })).toEqual({
      kind: 'version_mismatch',
      expected: 1,
      actual: 2,
    });
  });

  it('pipelineVersion defaults to 1', () => {
    expect(checkResume(cp({ pipeline_version: 2 }), { inputHash: HASH })).toEqual({
      kind: 'version_mismatch',
      expected: 2,
      actual: 1,
    });
  });
});
