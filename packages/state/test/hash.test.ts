import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { sha256File } from '@wbp/state';
import { tempDir } from './tmp.js';

it('matches the well-known sha256 of "abc"', async () => {
  const file = join(tempDir(), 'input.csv');
  writeFileSync(file, 'abc');
  expect(await sha256File(file)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});

it('matches node:crypto on a multi-chunk file with non-ASCII bytes', async () => {
  const file = join(tempDir(), 'input.csv');
  // > 64 KiB, the read stream's chunk size, so the hash is really fed in pieces.
  const bytes = Buffer.from('row_id,entity_type,entity_key\n1,location,Sede Málaga\r\n'.repeat(5000));
  writeFileSync(file, bytes);
  expect(await sha256File(file)).toBe(createHash('sha256').update(bytes).digest('hex'));
});

it('hashes an empty file', async () => {
  const file = join(tempDir(), 'empty.csv');
  writeFileSync(file, '');
  expect(await sha256File(file)).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
});

it('rejects with ENOENT for a missing file', async () => {
  await expect(sha256File(join(tempDir(), 'nope.csv'))).rejects.toMatchObject({ code: 'ENOENT' });
});
