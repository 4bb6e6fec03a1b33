import { describe, expect, it } from 'vitest';
import { dedupeOperationIds } from './dedupe-operation-ids.js';
import { fixLocationSchema } from './fix-location-schema.js';
import { numberOwnerDisplayName } from './number-owner-display-name.js';
import { rangesFromDescriptions } from './ranges-from-descriptions.js';
import { applyOverlays, type OpenApiDocument } from './index.js';

function doc(paths: OpenApiDocument['paths']): OpenApiDocument {
  return { openapi: '3.0.0', paths, components: { schemas: {} } };
}

describe('dedupe-operation-ids', () => {
  it('renames later repeats in path order and leaves unique ids alone', () => {
    const d = doc({
      '/a': { get: { operationId: 'listReports' }, post: { operationId: 'make' } },
      '/b': { get: { operationId: 'listReports' } },
      '/c': { get: { operationId: 'listReports' }, delete: { operationId: 'Get Group Members' } },
    });
    const changes = dedupeOperationIds.apply(d);
    expect((d.paths['/a']!.get as { operationId: string }).operationId).toBe('listReports');
    expect((d.paths['/b']!.get as { operationId: string }).operationId).toBe('listReports_2');
    expect((d.paths['/c']!.get as { operationId: string }).operationId).toBe('listReports_3');
    expect((d.paths['/a']!.post as { operationId: string }).operationId).toBe('make');
    expect(changes).toHaveLength(2);
  });
});

describe('fix-location-schema', () => {
  it('points the two Locations reads at WebexLocation and leaves workspace locations alone', () => {
    const json = (ref: string) => ({ responses: { '200': { content: { 'application/json': { schema: { $ref: ref } } } } } });
    const d = doc({
      '/locations': { get: json('#/components/schemas/LocationsCollectionResponse') },
      '/locations/{locationId}': { get: json('#/components/schemas/Location') },
      '/workspaceLocations': { get: json('#/components/schemas/Location') },
    });
    expect(fixLocationSchema.appliesTo('webex-device.json')).toBe(true);
    expect(fixLocationSchema.appliesTo('webex-admin.json')).toBe(false);
    expect(fixLocationSchema.apply(d)).toHaveLength(2);
    const ref = (p: string) => JSON.stringify(d.paths[p]!.get);
    expect(ref('/locations')).toContain('WebexLocationsCollectionResponse');
    expect(ref('/locations/{locationId}')).toContain('"#/components/schemas/WebexLocation"');
    expect(ref('/workspaceLocations')).toContain('"#/components/schemas/Location"');
    const schema = d.components!.schemas!.WebexLocation as { properties: Record<string, { type: string }> };
    expect(schema.properties.address!.type).toBe('object');
  });

  it('is applied only to the device spec by applyOverlays', () => {
    const d = doc({ '/x': { get: { operationId: 'a' } } });
    expect(applyOverlays('webex-admin.json', d)).toEqual([]);
    expect(d.components!.schemas!.WebexLocation).toBeUndefined();
  });
});

describe('number-owner-display-name', () => {
  it('adds displayName to the listed number owner of every official calling file, once', () => {
    const d = doc({});
    d.components!.schemas!.NumberObject = { properties: { owner: { type: 'object', properties: { id: { type: 'string' } } } } };
    expect(numberOwnerDisplayName.appliesTo('cloud-calling/webex-cloud-calling.numbers.json')).toBe(true);
    expect(numberOwnerDisplayName.appliesTo('webex-cloud-calling.json')).toBe(true);
    expect(numberOwnerDisplayName.appliesTo('webex-cloud-calling.subset.json')).toBe(false);
    expect(numberOwnerDisplayName.apply(d)).toHaveLength(1);
    expect(JSON.stringify(d.components!.schemas!.NumberObject)).toContain('"displayName":{"type":"string"');
    expect(numberOwnerDisplayName.apply(d)).toEqual([]);
  });
});

describe('ranges-from-descriptions', () => {
  it('turns a range stated in a numeric field description into minimum/maximum, leaving other fields alone', () => {
    const d = doc({});
    const rings = { type: 'number', description: '`numberOfRings` must be between 2 and 20, inclusive.' };
    const text = { type: 'string', description: 'must be between 1 and 9, inclusive' };
    const bounded = { type: 'integer', minimum: 0, description: 'must be between 1 and 9, inclusive' };
    d.components!.schemas!.Put = { properties: { noAnswer: { properties: { numberOfRings: rings } }, text, bounded } };
    expect(rangesFromDescriptions.apply(d)).toEqual([
      'schemas.Put.properties.noAnswer.properties.numberOfRings: minimum 2, maximum 20 (from its description)',
    ]);
    expect(rings).toMatchObject({ minimum: 2, maximum: 20 });
    expect(text).not.toHaveProperty('minimum');
    expect(bounded).not.toHaveProperty('maximum');
  });
});
