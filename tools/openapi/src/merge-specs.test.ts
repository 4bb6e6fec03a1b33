import { describe, expect, it } from 'vitest';
import { mergeSpecs } from './merge-specs.js';
import type { OpenApiDocument } from './overlays/types.js';

const json = (ref: string) => ({ content: { 'application/json': { schema: { $ref: ref } } } });
const op = (ref: string) => ({ operationId: ref, responses: { '200': json(`#/components/schemas/${ref}`) } });

function doc(paths: OpenApiDocument['paths'], schemas: Record<string, unknown>): OpenApiDocument {
  return { openapi: '3.0.0', paths, components: { schemas } };
}

describe('mergeSpecs', () => {
  it('takes each operation from the file that wins, and only the components its operations reach', () => {
    const official = doc(
      { '/a': { get: op('A') } },
      { A: { type: 'object', properties: { b: { $ref: '#/components/schemas/B' } } }, B: { type: 'string' }, Unused: {} },
    );
    const subset = doc({ '/a': { get: op('Old') }, '/only-subset': { get: op('S') } }, { Old: {}, S: { type: 'integer' } });
    const { doc: merged, changes } = mergeSpecs([
      { file: 'webex-cloud-calling.subset.json', precedence: 2, doc: subset },
      { file: 'cloud-calling/webex-cloud-calling.x.json', precedence: 1, doc: official },
    ]);
    expect(JSON.stringify(merged.paths['/a']!.get)).toContain('#/components/schemas/A');
    expect(merged.paths['/only-subset']!.get).toBeDefined();
    expect(Object.keys(merged.components!.schemas!).sort()).toEqual(['A', 'B', 'S']);
    expect(changes).toEqual([
      'cloud-calling/webex-cloud-calling.x.json: 1 operations',
      'webex-cloud-calling.subset.json: 1 operations, 1 superseded by an earlier file',
    ]);
  });

  it('renames a component another file already used for something different, and shares identical ones', () => {
    const first = doc({ '/a': { get: op('Item') } }, { Item: { type: 'string' } });
    const second = doc(
      { '/b': { get: op('Item') }, '/c': { get: op('Same') } },
      { Item: { type: 'integer' }, Same: { $ref: '#/components/schemas/Item' } },
    );
    const third = doc({ '/d': { get: op('Item') } }, { Item: { type: 'string' } });
    const { doc: merged, changes } = mergeSpecs([
      { file: 'p/webex-cloud-calling.one.json', precedence: 1, doc: first },
      { file: 'p/webex-cloud-calling.two.json', precedence: 1, doc: second },
      { file: 'p/webex-cloud-calling.three.json', precedence: 1, doc: third },
    ]);
    const schemas = merged.components!.schemas!;
    expect(schemas.Item).toEqual({ type: 'string' });
    expect(schemas.Item_two).toEqual({ type: 'integer' });
    expect(schemas.Same).toEqual({ $ref: '#/components/schemas/Item_two' });
    expect(JSON.stringify(merged.paths['/b']!.get)).toContain('Item_two');
    expect(JSON.stringify(merged.paths['/d']!.get)).toContain('"#/components/schemas/Item"');
    expect(changes[2]).toBe('p/webex-cloud-calling.two.json: 2 operations; renamed Item_two');
  });

  it('refuses one operation in two files of equal precedence', () => {
    const a = doc({ '/a': { get: op('A') } }, { A: {} });
    expect(() =>
      mergeSpecs([
        { file: 'x.json', precedence: 1, doc: a },
        { file: 'y.json', precedence: 1, doc: structuredClone(a) },
      ]),
    ).toThrow(/GET \/a is in both x\.json and y\.json/);
  });

  it('moves path-level parameters onto each operation, the operation own ones winning', () => {
    const shared = [
      { name: 'personId', in: 'path', required: true, schema: { type: 'string' } },
      { name: 'orgId', in: 'query', schema: { type: 'string' } },
    ];
    const own = { name: 'orgId', in: 'query', schema: { type: 'integer' } };
    const a = doc({ '/p/{personId}': { parameters: shared, get: { ...op('A'), parameters: [own] } } }, { A: {} });
    const b = doc({ '/q': { get: op('B') } }, { B: {} });
    const { doc: merged } = mergeSpecs([
      { file: 'a.json', precedence: 1, doc: a },
      { file: 'b.json', precedence: 1, doc: b },
    ]);
    expect((merged.paths['/p/{personId}']!.get as { parameters: unknown[] }).parameters).toEqual([shared[0], own]);
    expect(merged.paths['/p/{personId}']!.parameters).toBeUndefined();
  });
});
