import { HTTP_METHODS, isRecord, type OpenApiDocument } from './overlays/types.js';
import { USED_OPERATIONS } from './used-operations.js';

/** The JSON-schema subset the specs use for requests (checked by the generator test). */
export interface RequestSchema {
  type?: string;
  enum?: unknown[];
  required?: string[];
  properties?: Record<string, RequestSchema>;
  items?: RequestSchema;
  minimum?: number;
  maximum?: number;
}

export interface ParameterSpec {
  name: string;
  required: boolean;
  schema: RequestSchema;
}

export interface OperationRequestSpec {
  query: ParameterSpec[];
  path: ParameterSpec[];
  body?: { required: boolean; schema: RequestSchema } | undefined;
}

const KEPT = new Set(['type', 'enum', 'required', 'properties', 'items', 'minimum', 'maximum']);

function resolveRef(doc: OpenApiDocument, ref: string): unknown {
  const parts = ref.replace(/^#\//, '').split('/');
  let node: unknown = doc;
  for (const p of parts) node = isRecord(node) ? node[p] : undefined;
  if (node === undefined) throw new Error(`unresolvable $ref ${ref}`);
  return node;
}

/** Inlines $refs and keeps only the validation keywords, so the simulator needs no spec at run time. */
function compact(doc: OpenApiDocument, schema: unknown, depth = 0): RequestSchema {
  if (depth > 32) throw new Error('schema nesting too deep (cyclic $ref?)');
  if (!isRecord(schema)) return {};
  if (typeof schema.$ref === 'string') return compact(doc, resolveRef(doc, schema.$ref), depth + 1);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (!KEPT.has(key)) continue;
    if (key === 'properties' && isRecord(value)) {
      out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, compact(doc, v, depth + 1)]));
    } else if (key === 'items') {
      out.items = compact(doc, value, depth + 1);
    } else {
      out[key] = value;
    }
  }
  return out as RequestSchema;
}

function parameters(doc: OpenApiDocument, list: unknown[], where: 'query' | 'path'): ParameterSpec[] {
  return list
    .map((p) => (isRecord(p) && typeof p.$ref === 'string' ? resolveRef(doc, p.$ref) : p))
    .filter((p): p is Record<string, unknown> => isRecord(p) && p.in === where && typeof p.name === 'string')
    .map((p) => ({ name: p.name as string, required: p.required === true, schema: compact(doc, p.schema) }));
}

/** Request specs (`METHOD /path-template` → parameters and body schema) of the used operations of one module. */
export function requestSchemas(
  module: string,
  doc: OpenApiDocument,
  used: Readonly<Record<string, readonly string[]>> = USED_OPERATIONS,
): Record<string, OperationRequestSpec> {
  const wanted = used[module] ?? [];
  const out: Record<string, OperationRequestSpec> = {};
  for (const [path, item] of Object.entries(doc.paths)) {
    const shared = Array.isArray(item.parameters) ? item.parameters : [];
    for (const method of HTTP_METHODS) {
      const op = item[method];
      const key = `${method.toUpperCase()} ${path}`;
      if (!isRecord(op) || !(wanted.includes('*') || wanted.includes(key))) continue;
      const params = [...shared, ...(Array.isArray(op.parameters) ? op.parameters : [])];
      const body = isRecord(op.requestBody) ? op.requestBody : undefined;
      const content = body && isRecord(body.content) ? body.content['application/json'] : undefined;
      out[key] = {
        query: parameters(doc, params, 'query'),
        path: parameters(doc, params, 'path'),
        body: isRecord(content) ? { required: body?.required === true, schema: compact(doc, content.schema) } : undefined,
      };
    }
  }
  const missing = wanted.filter((w) => w !== '*' && !(w in out));
  if (missing.length > 0) throw new Error(`operations not found in the ${module} spec: ${missing.join(', ')}`);
  return out;
}
