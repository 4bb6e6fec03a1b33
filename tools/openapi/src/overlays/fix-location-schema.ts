import { isRecord, type Overlay } from './types.js';

const address = {
  type: 'object',
  required: ['address1', 'city', 'state', 'postalCode', 'country'],
  properties: {
    address1: { type: 'string' },
    address2: { type: 'string' },
    city: { type: 'string' },
    state: { type: 'string' },
    postalCode: { type: 'string' },
    country: { type: 'string', description: 'ISO-3166 2-letter country code.' },
  },
};

/** What GET /locations really returns (and what the spec's own examples show). */
const webexLocation = {
  type: 'object',
  required: ['id', 'name'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    orgId: { type: 'string' },
    timeZone: { type: 'string' },
    preferredLanguage: { type: 'string' },
    address,
    latitude: { type: 'string' },
    longitude: { type: 'string' },
    notes: { type: 'string' },
  },
};

const collection = {
  type: 'object',
  required: ['items'],
  properties: { items: { type: 'array', items: { $ref: '#/components/schemas/WebexLocation' } } },
};

function pointJson200At(doc: Parameters<Overlay['apply']>[0], path: string, ref: string): string | undefined {
  const op = doc.paths[path]?.get;
  if (!isRecord(op) || !isRecord(op.responses)) return undefined;
  const ok = op.responses['200'];
  if (!isRecord(ok) || !isRecord(ok.content)) return undefined;
  const json = ok.content['application/json'];
  if (!isRecord(json)) return undefined;
  json.schema = { $ref: ref };
  return `GET ${path}: 200 schema -> ${ref}`;
}

/**
 * webex-device.json points GET /locations and GET /locations/{locationId} at `Location`, which is
 * the *workspace location* shape (displayName, string address…). The workspace endpoints keep
 * `Location`; the two Locations API reads get a correct `WebexLocation`.
 */
export const fixLocationSchema: Overlay = {
  name: 'fix-location-schema',
  appliesTo: (file) => file.startsWith('webex-device'),
  apply(doc) {
    doc.components ??= {};
    doc.components.schemas ??= {};
    doc.components.schemas.WebexLocation = webexLocation;
    doc.components.schemas.WebexLocationsCollectionResponse = collection;
    return [
      pointJson200At(doc, '/locations', '#/components/schemas/WebexLocationsCollectionResponse'),
      pointJson200At(doc, '/locations/{locationId}', '#/components/schemas/WebexLocation'),
    ].filter((c): c is string => c !== undefined);
  },
};
