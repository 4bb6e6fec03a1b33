import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanStaleTemps } from '@wbp/files';
import {
  type Checkpoint,
  CheckpointCorruptError,
  InvalidCheckpointError,
  checkpointAttempt,
  checkpointPath,
  readCheckpoint,
  writeCheckpoint,
} from '@wbp/state';
import { sample, tempDir } from './tmp.js';

async function corruptReason(dir: string): Promise<string> {
  const err: unknown = await readCheckpoint(dir).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CheckpointCorruptError);
  const corrupt = err as CheckpointCorruptError;
  expect(corrupt).toMatchObject({ file: checkpointPath(dir), line: undefined, kind: 'malformed_checkpoint' });
  expect(corrupt.message).toContain(corrupt.file);
  return corrupt.detail;
}

function writeRaw(dir: string, value: unknown): void {
  writeFileSync(checkpointPath(dir), typeof value === 'string' ? value : JSON.stringify(value));
}

describe('writeCheckpoint / readCheckpoint', () => {
  it('round-trips exactly the §7.1 fields', async () => {
    const dir = tempDir();
    const cp = sample();
    await writeCheckpoint(dir, cp);
    expect(await readCheckpoint(dir)).toEqual(cp);
    const onDisk = JSON.parse(readFileSync(checkpointPath(dir), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(onDisk)).toEqual(['pipeline_version', 'input_hash', 'phase', 'last_row_id', 'started_at', 'updated_at']);
  });

  it('replaces the previous checkpoint and leaves no temp file behind', async () => {
    const dir = tempDir();
    await writeCheckpoint(dir, sample({ last_row_id: 1 }));
    await writeCheckpoint(dir, sample({ phase: 3, last_row_id: 0 }));
    expect(await readCheckpoint(dir)).toEqual(sample({ phase: 3, last_row_id: 0 }));
    expect(readdirSync(dir)).toEqual(['checkpoint.json']);
  });

  it('resolves undefined when there is no checkpoint (fresh run)', async () => {
    expect(await readCheckpoint(tempDir())).toBeUndefined();
  });

  it('serialises concurrent writes in call order, last call wins', async () => {
    const dir = tempDir();
    const settled: number[] = [];
    const writes = Array.from({ length: 40 }, (_, i) => writeCheckpoint(dir, sample({ last_row_id: i })).then(() => settled.push(i)));
    await Promise.all(writes);
    expect(settled).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect((await readCheckpoint(dir))?.last_row_id).toBe(39);
    expect(readdirSync(dir)).toEqual(['checkpoint.json']);
  });

  it('takes the checkpoint as it was at call time, even if the caller mutates it while queued', async () => {
    const dir = tempDir();
    const first = writeCheckpoint(dir, sample({ last_row_id: 1 }));
    const cp = sample({ last_row_id: 2 });
    const second = writeCheckpoint(dir, cp);
    cp.last_row_id = 99;
    await Promise.all([first, second]);
    expect((await readCheckpoint(dir))?.last_row_id).toBe(2);
  });

  it('a failed write does not block the writes queued behind it', async () => {
    const dir = tempDir();
    const missing = join(dir, 'does-not-exist');
    const failed = writeCheckpoint(missing, sample());
    const ok = writeCheckpoint(dir, sample({ last_row_id: 7 }));
    await expect(failed).rejects.toMatchObject({ code: 'ENOENT' });
    await ok;
    expect((await readCheckpoint(dir))?.last_row_id).toBe(7);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['phase 4', { phase: 4 }, /phase must be 1, 2 or 3/],
    ['negative last_row_id', { last_row_id: -1 }, /last_row_id must be ≥ 0/],
    ['fractional last_row_id', { last_row_id: 1.5 }, /last_row_id must be an integer/],
    ['bad hash', { input_hash: 'ABC' }, /input_hash must be 64 lower-case hex/],
    ['bad timestamp', { updated_at: 'yesterday' }, /updated_at must be an ISO-8601 timestamp/],
    ['extra field', { batch_id: 3 }, /unexpected field "batch_id"/],
  ])('refuses to write an invalid checkpoint (%s) and keeps the old one', async (_, change, reason) => {
    const dir = tempDir();
    await writeCheckpoint(dir, sample());
    const bad = { ...sample(), ...change } as Checkpoint;
    const err: unknown = await writeCheckpoint(dir, bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidCheckpointError);
    expect((err as InvalidCheckpointError).reason).toMatch(reason);
    expect(await readCheckpoint(dir)).toEqual(sample());
    expect(readdirSync(dir)).toEqual(['checkpoint.json']);
  });
});

describe('readCheckpoint on a damaged file', () => {
  it.each([
    ['truncated JSON', '{"pipeline_version":1,"input_ha', /not valid JSON/],
    ['garbage', 'not json at all', /not valid JSON/],
    ['an empty file', '', /the file is empty/],
    ['a JSON array', '[]', /expected a JSON object|missing field/],
    ['JSON null', 'null', /expected a JSON object, got null/],
  ])('%s → CheckpointCorruptError', async (_, text, reason) => {
    const dir = tempDir();
    writeRaw(dir, text);
    expect(await corruptReason(dir)).toMatch(reason);
  });

  it('invalid UTF-8 → CheckpointCorruptError', async () => {
    const dir = tempDir();
    const good = Buffer.from(JSON.stringify(sample()));
    good[good.indexOf('2026')] = 0xff;
    writeFileSync(checkpointPath(dir), good);
    expect(await corruptReason(dir)).toMatch(/not valid UTF-8/);
  });

  it.each<[string, (cp: Record<string, unknown>) => void, RegExp]>([
    ['missing field', (cp) => delete cp.started_at, /missing field "started_at"/],
    ['missing pipeline_version', (cp) => delete cp.pipeline_version, /missing field "pipeline_version"/],
    ['extra field', (cp) => (cp.rows_done = 12), /unexpected field "rows_done"/],
    ['phase 4', (cp) => (cp.phase = 4), /phase must be 1, 2 or 3 \(got 4\)/],
    ['phase as a string', (cp) => (cp.phase = '2'), /phase must be 1, 2 or 3 \(got "2"\)/],
    ['negative last_row_id', (cp) => (cp.last_row_id = -3), /last_row_id must be ≥ 0 \(got -3\)/],
    ['last_row_id as a string', (cp) => (cp.last_row_id = '41'), /last_row_id must be a number/],
    ['pipeline_version 0', (cp) => (cp.pipeline_version = 0), /pipeline_version must be ≥ 1/],
    ['upper-case hash', (cp) => (cp.input_hash = 'A'.repeat(64)), /input_hash must be 64 lower-case hex/],
    ['non-ISO timestamp', (cp) => (cp.started_at = 'Thu, 05 Feb 2026 09:00:00 GMT'), /started_at must be an ISO-8601/],
  ])('schema mismatch (%s) → CheckpointCorruptError naming the field', async (_, damage, reason) => {
    const dir = tempDir();
    const cp: Record<string, unknown> = { ...sample() };
    damage(cp);
    writeRaw(dir, cp);
    expect(await corruptReason(dir)).toMatch(reason);
  });

  it('names every wrong field at once', async () => {
    const dir = tempDir();
    writeRaw(dir, { ...sample(), phase: 0, last_row_id: -1 });
    const reason = await corruptReason(dir);
    expect(reason).toMatch(/phase must be 1, 2 or 3/);
    expect(reason).toMatch(/last_row_id must be ≥ 0/);
  });
});

describe('temp files of an interrupted write', () => {
  const deadPid = 2 ** 22 + 1; // above Linux's pid_max ceiling, so never a live process

  it('are ignored by readCheckpoint and removed by cleanStaleTemps', async () => {
    const dir = tempDir();
    await writeCheckpoint(dir, sample());
    const stale = `.checkpoint.json.${deadPid}.0123456789ab.tmp`;
    const ownPidLeftover = `.checkpoint.json.${process.pid}.ba9876543210.tmp`;
    writeFileSync(join(dir, stale), '{"pipeline_version":1,"inp');
    writeFileSync(join(dir, ownPidLeftover), '');
    writeFileSync(join(dir, 'notes.txt'), 'not ours');
    expect(await readCheckpoint(dir)).toEqual(sample());
    const removed = await cleanStaleTemps(dir);
    expect(removed.sort()).toEqual([join(dir, stale), join(dir, ownPidLeftover)].sort());
    expect(readdirSync(dir).sort()).toEqual(['checkpoint.json', 'notes.txt']);
  });

  it('leaves the temp of a live writer alone', async () => {
    const dir = tempDir();
    const live = `.checkpoint.json.${process.ppid}.0123456789ab.tmp`;
    writeFileSync(join(dir, live), '');
    expect(await cleanStaleTemps(dir)).toEqual([]);
    expect(readdirSync(dir)).toEqual([live]);
  });

  it('a temp alone (crash before the first rename) still reads as a fresh run', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, `.checkpoint.json.${deadPid}.0123456789ab.tmp`), '{');
    expect(await readCheckpoint(dir)).toBeUndefined();
  });

  it('cleaning while writes are in flight never breaks them', async () => {
    const dir = tempDir();
    const writes = Array.from({ length: 20 }, (_, i) => writeCheckpoint(dir, sample({ last_row_id: i })));
    const cleans = Array.from({ length: 20 }, () => cleanStaleTemps(dir));
    await Promise.all([...writes, ...cleans]);
    expect((await readCheckpoint(dir))?.last_row_id).toBe(19);
    expect((await Promise.all(cleans)).flat()).toEqual([]);
  });
});

describe('the attempt fields (added to the term sheet six)', () => {
  it('an old checkpoint without them reads as attempt 1, not finished, and its six fields are unchanged', async () => {
    const dir = tempDir();
    writeRaw(dir, JSON.stringify(sample()));
    const read = await readCheckpoint(dir);
    expect(read).toEqual(sample());
    expect(checkpointAttempt(read)).toBe(1);
    expect(read?.attempt_finished_at).toBeUndefined();
    expect(checkpointAttempt(undefined)).toBe(1);
  });

  it('round-trips attempt, attempt_started_at and attempt_finished_at next to the six', async () => {
    const dir = tempDir();
    const cp = sample({ attempt: 3, attempt_started_at: '2026-12-07T08:00:00.000Z', attempt_finished_at: '2026-12-07T08:30:00.000Z' });
    await writeCheckpoint(dir, cp);
    expect(await readCheckpoint(dir)).toEqual(cp);
    expect(checkpointAttempt(cp)).toBe(3);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['attempt 0', { attempt: 0 }, /attempt must be ≥ 1/],
    ['fractional attempt', { attempt: 1.5 }, /attempt must be an integer/],
    ['attempt as a string', { attempt: '2' }, /attempt must be a number/],
    ['bad attempt_finished_at', { attempt_finished_at: 'today' }, /attempt_finished_at must be an ISO-8601 timestamp/],
  ])('a damaged attempt field (%s) → CheckpointCorruptError', async (_, change, reason) => {
    const dir = tempDir();
    writeRaw(dir, JSON.stringify({ ...sample(), ...change }));
    expect(await corruptReason(dir)).toMatch(reason);
  });
});
