import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateAll, SpecsNotFoundError } from './generate.js';

function specDir(files: Record<string, object>): string {
  const dir = mkdtempSync(join(tmpdir(), 'wbp-specs-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), JSON.stringify(content));
  }
  return dir;
}

const tiny = (op: string) => ({
  openapi: '3.0.3',
  info: { title: 't', version: '1' },
  paths: { '/x': { get: { operationId: op, responses: { '200': { description: 'ok' } } } } },
});

describe('generateAll', () => {
  it('generates one module per known spec, deterministically, with the spec hash in the header', async () => {
    const dir = specDir({
      'webex-admin.json': tiny('a'),
      'webex-device.json': tiny('d'),
      'webex-cloud-calling.json': tiny('c'),
      'unrelated.json': tiny('u'),
    });
    const used = { admin: ['GET /x'], device: [], calling: ['*'] };
    const first = await generateAll(dir, used);
    const second = await generateAll(dir, used);
    expect(first.map((m) => m.fileName)).toEqual(['admin.ts', 'calling.ts', 'device.ts']);
    expect(first.map((m) => m.source)).toEqual(second.map((m) => m.source));
    expect(first[0]!.source).toMatch(/sha256 [0-9a-f]{64}/);
    expect(first[0]!.source).toContain('"/x"');
    expect(Object.keys(first[0]!.requests)).toEqual(['GET /x']);
  });

  it('fails clearly when the folder or a required spec is missing', async () => {
    await expect(generateAll('/nonexistent/specs')).rejects.toBeInstanceOf(SpecsNotFoundError);
    await expect(generateAll(specDir({ 'webex-admin.json': tiny('a') }), {})).rejects.toThrow(/device, calling/);
    const all = specDir({ 'webex-admin.json': tiny('a'), 'webex-device.json': tiny('d'), 'webex-cloud-calling.json': tiny('c') });
    await expect(generateAll(all)).rejects.toThrow(/operations not found in the admin spec: GET \/people\/me/);
  });

  it('builds calling from the official parts, keeping from the subset only what they lack', async () => {
    const part = (path: string, id: string) => ({ ...tiny(id), paths: { [path]: tiny(id).paths['/x'] } });
    const dir = specDir({
      'webex-admin.json': tiny('a'),
      'webex-device.json': tiny('d'),
      'cloud-calling/webex-cloud-calling.numbers.json': part('/x', 'official x'),
      'cloud-calling/webex-cloud-calling.people.json': part('/y', 'official y'),
      'webex-cloud-calling.subset.json': { ...tiny('subset x'), paths: { ...tiny('subset x').paths, ...part('/z', 'subset z').paths } },
    });
    const calling = (await generateAll(dir, { admin: [], device: [], calling: ['GET /x', 'GET /z'] })).find((m) => m.module === 'calling')!;
    expect(calling.source).toContain('"official x"');
    expect(calling.source).toContain('"official y"');
    expect(calling.source).toContain('"subset z"');
    expect(calling.source).not.toContain('"subset x"');
    expect(calling.source).toContain('webex-cloud-calling.subset.json: 1 operations, 1 superseded by an earlier file');
    expect(Object.keys(calling.requests)).toEqual(['GET /x', 'GET /z']);
  });
});
