import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManifestCorruptError, manifestPath, readManifest, writeManifest, type Manifest } from '@wbp/state';
import { HASH, tempDir } from './tmp.js';

const manifest = (overrides: Partial<Manifest> = {}): Manifest => ({
  input_sha256: HASH,
  pipeline_version: 1,
  created_at: '2026-02-05T09:00:00.000Z',
  defaults: ['address_state=Madrid'],
  ...overrides,
});

describe('manifest.json', () => {
  it('round-trips, before and after validation is recorded, leaving no temp behind', async () => {
    const dir = tempDir();
    expect(await readManifest(dir)).toBeUndefined();
    await writeManifest(dir, manifest());
    expect(await readManifest(dir)).toEqual(manifest());
    const validated = manifest({ ready: { rows: 10, sha256: 'b'.repeat(64) }, rejected: { rows: 1 } });
    await writeManifest(dir, validated);
    expect(await readManifest(dir)).toEqual(validated);
    expect(readdirSync(dir)).toEqual(['manifest.json']);
  });

  it.each([
    ['empty', '', /the file is empty/],
    ['not JSON', '{"input_sha256":', /not valid JSON/],
    ['a field missing', JSON.stringify({ ...manifest(), input_sha256: undefined }), /missing field "input_sha256"/],
    ['an unknown field', JSON.stringify({ ...manifest(), extra: 1 }), /unexpected field "extra"/],
    ['a bad nested count', JSON.stringify({ ...manifest(), ready: { rows: -1, sha256: HASH } }), /ready\.rows must be ≥ 0/],
  ])('%s → ManifestCorruptError naming the problem', async (_label, text, reason) => {
    const dir = tempDir();
    writeFileSync(manifestPath(dir), text);
    const err: unknown = await readManifest(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ManifestCorruptError);
    expect(err).toMatchObject({ file: manifestPath(dir), kind: 'malformed_manifest' });
    expect((err as ManifestCorruptError).detail).toMatch(reason);
  });

  it('an invalid manifest is refused before anything is written', async () => {
    const dir = tempDir();
    await writeManifest(dir, manifest());
    await expect(writeManifest(dir, manifest({ input_sha256: 'nope' }))).rejects.toThrow(/invalid manifest: input_sha256 must be 64/);
    expect(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'))).toEqual(manifest());
  });
});
