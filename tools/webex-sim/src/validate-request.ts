import schemasJson from './generated/request-schemas.json' with { type: 'json' };

interface Schema {
  type?: string;
  enum?: unknown[];
  required?: string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  minimum?: number;
  maximum?: number;
}

interface Parameter {
  name: string;
  required: boolean;
  schema: Schema;
}

interface OperationSpec {
  query: Parameter[];
  path: Parameter[];
  body?: { required: boolean; schema: Schema };
}

const SPECS = structuredClone(schemasJson) as unknown as Record<string, OperationSpec>;

/**
 * Where the simulator deliberately accepts more than the generated schema.
 *
 * `PUT /people/{personId}`: webex-admin.json's "Update a Person" body lists only `work` in the
 * `phoneNumbers[].type` enum, but the same spec documents the PUT as a full replacement ("Include
 * all details for the person… GET the person's details, make changes, then PUT both the changed and
 * unchanged values") while its GET returns `work_extension`, `mobile` and `fax` entries (Person
 * schema). A body that leaves the directory numbers out deletes them, so wbp echoes every number as
 * read (the project's decision); such a body is not invalid here. A `work_extension` entry is
 * ignored by the org model: the spec says it cannot set the extension.
 */
function relaxEnum(operation: string, path: string[], extra: string[]): void {
  let node: Schema | undefined = SPECS[operation]?.body?.schema;
  for (const step of path) node = step === '[]' ? node?.items : node?.properties?.[step];
  if (node?.enum) node.enum = [...new Set([...node.enum, ...extra])];
}
relaxEnum('PUT /people/{personId}', ['phoneNumbers', '[]', 'type'], ['work_extension', 'mobile', 'fax']);

export function hasOperation(key: string): boolean {
  return key in SPECS;
}

function typeOf(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function checkValue(schema: Schema, value: unknown, where: string, problems: string[]): void {
  if (schema.type) {
    const actual = typeOf(value);
    const ok = schema.type === actual || (schema.type === 'number' && actual === 'integer');
    if (!ok) {
      problems.push(`${where}: expected ${schema.type}, got ${actual}`);
      return;
    }
  }
  if (schema.enum && !schema.enum.includes(value)) problems.push(`${where}: must be one of ${schema.enum.join(', ')}`);
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) problems.push(`${where}: must be ≥ ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) problems.push(`${where}: must be ≤ ${schema.maximum}`);
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    for (const field of schema.required ?? []) {
      if (record[field] === undefined) problems.push(`${where}.${field}: required`);
    }
    for (const [field, sub] of Object.entries(schema.properties ?? {})) {
      if (record[field] !== undefined) checkValue(sub, record[field], `${where}.${field}`, problems);
    }
  }
  if (Array.isArray(value) && schema.items) {
    for (const [i, item] of value.entries()) checkValue(schema.items, item, `${where}[${i}]`, problems);
  }
}

/** Query strings are text: read them as the schema's scalar type before checking. */
function coerce(schema: Schema, raw: string): unknown {
  switch (schema.type) {
    case 'boolean':
      return raw === 'true' ? true : raw === 'false' ? false : raw;
    case 'integer':
    case 'number':
      return /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
    default:
      return raw;
  }
}

/**
 * Checks one request against its OpenAPI operation (path, query, JSON body); returns the
 * problems found, empty when valid. Unknown query parameters and body fields are ignored, as
 * Webex ignores them.
 */
export function validateRequest(
  key: string,
  query: URLSearchParams,
  body: { present: boolean; value: unknown; parseError?: boolean },
): string[] {
  const spec = SPECS[key];
  if (!spec) return [`unknown operation ${key}`];
  const problems: string[] = [];
  for (const p of spec.query) {
    const raw = query.get(p.name);
    if (raw === null) {
      if (p.required) problems.push(`query.${p.name}: required`);
      continue;
    }
    checkValue(p.schema, coerce(p.schema, raw), `query.${p.name}`, problems);
  }
  if (body.parseError) problems.push('body: not valid JSON');
  else if (spec.body) {
    if (!body.present) {
      if (spec.body.required) problems.push('body: required');
    } else {
      checkValue(spec.body.schema, body.value, 'body', problems);
    }
  }
  return problems;
}
