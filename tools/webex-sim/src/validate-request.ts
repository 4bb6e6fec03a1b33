import { Ajv, type ErrorObject, type SchemaObject, type ValidateFunction } from 'ajv';
import schemasJson from './generated/request-schemas.json' with { type: 'json' };

/** The JSON-schema keywords the generator keeps (tools/openapi/src/request-schemas.ts). */
interface Schema extends SchemaObject {
  type?: string;
  enum?: unknown[];
  required?: string[];
  properties?: Record<string, Schema>;
  items?: Schema;
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

// Unknown fields are ignored, as Webex ignores them (no additionalProperties in the schemas). Query
// strings are text: the query validator reads them as the schema's scalar type first.
const options = { allErrors: true, verbose: true, strict: false } as const;
const bodies = new Ajv(options);
const queries = new Ajv({ ...options, coerceTypes: true });

interface Compiled {
  query: ValidateFunction;
  body?: { required: boolean; validate: ValidateFunction };
}

/** Every operation compiled once, when the simulator starts. */
const VALIDATORS = new Map<string, Compiled>(
  Object.entries(SPECS).map(([key, spec]) => {
    const query: Schema = {
      type: 'object',
      properties: Object.fromEntries(spec.query.map((p) => [p.name, p.schema])),
      required: spec.query.filter((p) => p.required).map((p) => p.name),
    };
    const compiled: Compiled = { query: queries.compile(query) };
    if (spec.body) compiled.body = { required: spec.body.required, validate: bodies.compile(spec.body.schema) };
    return [key, compiled];
  }),
);

export function hasOperation(key: string): boolean {
  return VALIDATORS.has(key);
}

function typeOf(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** `/phoneNumbers/0/type` under `body` → `body.phoneNumbers[0].type`. */
function where(root: string, pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((at, step) => (/^\d+$/.test(step) ? `${at}[${step}]` : `${at}.${step}`), root);
}

/** One problem per ajv error, worded as wbp-sim always has; a wrong type hides the other errors of that value. */
function problems(root: string, errors: ErrorObject[] | null | undefined): string[] {
  const list = errors ?? [];
  const wrongType = new Set(list.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  return list.flatMap((e) => {
    const at = where(root, e.instancePath);
    if (e.keyword === 'type') return [`${at}: expected ${String(e.params.type)}, got ${typeOf(e.data)}`];
    if (wrongType.has(e.instancePath)) return [];
    switch (e.keyword) {
      case 'required':
        return [`${at}.${String(e.params.missingProperty)}: required`];
      case 'enum':
        return [`${at}: must be one of ${(e.params.allowedValues as unknown[]).join(', ')}`];
      case 'minimum':
        return [`${at}: must be ≥ ${String(e.params.limit)}`];
      case 'maximum':
        return [`${at}: must be ≤ ${String(e.params.limit)}`];
      default:
        return [`${at}: ${e.message ?? e.keyword}`];
    }
  });
}

/**
 * Checks one request against its OpenAPI operation (query and JSON body); returns the problems
 * found, empty when valid. Unknown query parameters and body fields are ignored, as Webex ignores them.
 */
export function validateRequest(
  key: string,
  query: URLSearchParams,
  body: { present: boolean; value: unknown; parseError?: boolean },
): string[] {
  const compiled = VALIDATORS.get(key);
  if (!compiled) return [`unknown operation ${key}`];
  const values: Record<string, string> = {};
  for (const name of new Set(query.keys())) values[name] = query.get(name)!;
  const found = compiled.query(values) ? [] : problems('query', compiled.query.errors);
  if (body.parseError) found.push('body: not valid JSON');
  else if (compiled.body) {
    if (!body.present) {
      if (compiled.body.required) found.push('body: required');
    } else if (!compiled.body.validate(body.value)) {
      found.push(...problems('body', compiled.body.validate.errors));
    }
  }
  return found;
}
