import { describe, expect, it } from 'vitest';
import { dedupeOperationIds } from '../src/overlays/dedupe-operation-ids.js';
import { fixLocationSchema } from '../src/overlays/fix-location-schema.js';
import { applyOverlays, type OpenApiDocument } from '../src/overlays/index.js';

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
