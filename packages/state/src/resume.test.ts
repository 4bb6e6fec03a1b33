import { describe, expect, it } from 'vitest';
import { HASH, sample as cp } from '../test/tmp.js';
import { checkResume } from './resume.js';

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
      checkpoint,
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
