import { isDeepStrictEqual } from 'node:util';
import { HTTP_METHODS, isRecord, type OpenApiDocument } from './overlays/types.js';

export interface SpecInput {
  /** Path relative to the specs folder. */
  file: string;
  /** Lower wins when two files describe the same operation (spec-modules.ts). */
  precedence: number;
  doc: OpenApiDocument;
}

export interface MergedSpec {
  doc: OpenApiDocument;
  /** One line per source file: how many operations it gave and how many were taken from a file that wins. */
  changes: string[];
}

const REF_PREFIX = '#/components/';

function refsIn(node: unknown, out: string[]): void {
  if (Array.isArray(node)) for (const n of node) refsIn(n, out);
  else if (isRecord(node)) {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') out.push(value);
      else refsIn(value, out);
    }
  }
}

function component(doc: OpenApiDocument, ref: string): unknown {
  if (!ref.startsWith(REF_PREFIX)) throw new Error(`unsupported $ref ${ref} (only local components)`);
  const [section, name] = ref.slice(REF_PREFIX.length).split('/') as [string, string];
  const value = (doc.components as Record<string, Record<string, unknown> | undefined> | undefined)?.[section]?.[name];
  if (value === undefined) throw new Error(`unresolvable $ref ${ref}`);
  return value;
}

/** Every component the given roots reach, transitively, in a stable order. */
function reachable(doc: OpenApiDocument, roots: unknown[]): string[] {
  const seen = new Set<string>();
  const queue: string[] = [];
  refsIn(roots, queue);
  while (queue.length > 0) {
    const ref = queue.shift()!;
    if (seen.has(ref)) continue;
    seen.add(ref);
    refsIn(component(doc, ref), queue);
  }
  return [...seen].sort();
}

function rewriteRefs(node: unknown, renames: ReadonlyMap<string, string>): unknown {
  if (Array.isArray(node)) return node.map((n) => rewriteRefs(n, renames));
  if (!isRecord(node)) return node;
  return Object.fromEntries(
    Object.entries(node).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' ? (renames.get(v) ?? v) : rewriteRefs(v, renames)]),
  );
}

/** An operation carries its path item's shared parameters, so it can move to a document of its own. */
function withPathParameters(item: Record<string, unknown>, op: Record<string, unknown>): Record<string, unknown> {
  const shared = Array.isArray(item.parameters) ? item.parameters : [];
  if (shared.length === 0) return op;
  const own = Array.isArray(op.parameters) ? op.parameters : [];
  const id = (p: unknown) => (isRecord(p) ? `${String(p.in)} ${String(p.name ?? p.$ref)}` : '');
  const ownIds = new Set(own.map(id));
  return { ...op, parameters: [...shared.filter((p) => !ownIds.has(id(p))), ...own] };
}

/** `cloud-calling/webex-cloud-calling.numbers.json` → `numbers`: the suffix a clashing component name gets. */
function sourceTag(file: string): string {
  const base = file
    .split('/')
    .pop()!
    .replace(/\.json$/, '');
  return base.slice(base.lastIndexOf('.') + 1).replace(/[^A-Za-z0-9]/g, '_');
}

/**
 * One OpenAPI document from several that describe parts of the same API. Each operation comes from
 * the file of lowest precedence that has it (two files of equal precedence with the same operation
 * are an error); each file brings only the components its own operations reach, and a component
 * whose name another file already used for something different is renamed `<name>_<file tag>`.
 */
export function mergeSpecs(inputs: readonly SpecInput[]): MergedSpec {
  const sorted = [...inputs].sort((a, b) => a.precedence - b.precedence || a.file.localeCompare(b.file));
  if (sorted.length === 1) return { doc: sorted[0]!.doc, changes: [] };
  const first = sorted[0]!.doc;
  const components: Record<string, Record<string, unknown>> = {};
  const merged: OpenApiDocument = { openapi: first.openapi, info: first.info, paths: {}, components };
  const owner = new Map<string, SpecInput>();
  const changes: string[] = [];
  for (const src of sorted) {
    const taken: { path: string; method: string; op: Record<string, unknown> }[] = [];
    let superseded = 0;
    for (const [path, item] of Object.entries(src.doc.paths)) {
      for (const method of HTTP_METHODS) {
        const op = item[method];
        if (!isRecord(op)) continue;
        const key = `${method.toUpperCase()} ${path}`;
        const prior = owner.get(key);
        if (prior?.precedence === src.precedence) throw new Error(`${key} is in both ${prior.file} and ${src.file}; keep one.`);
        if (prior) {
          superseded++;
          continue;
        }
        owner.set(key, src);
        taken.push({ path, method, op: withPathParameters(item, op) });
      }
    }
    const needed = reachable(
      src.doc,
      taken.map((t) => t.op),
    );
    const renames = new Map<string, string>();
    for (const ref of needed) {
      const [section, name] = ref.slice(REF_PREFIX.length).split('/') as [string, string];
      const existing = components[section]?.[name];
      if (existing !== undefined && !isDeepStrictEqual(existing, component(src.doc, ref))) {
        renames.set(ref, `${REF_PREFIX}${section}/${name}_${sourceTag(src.file)}`);
      }
    }
    for (const ref of needed) {
      const [section, name] = (renames.get(ref) ?? ref).slice(REF_PREFIX.length).split('/') as [string, string];
      components[section] ??= {};
      components[section][name] ??= rewriteRefs(component(src.doc, ref), renames);
    }
    for (const { path, method, op } of taken) {
      merged.paths[path] ??= {};
      merged.paths[path][method] = rewriteRefs(op, renames);
    }
    const renamed = renames.size > 0 ? `; renamed ${[...renames.values()].map((r) => r.split('/').pop()).join(', ')}` : '';
    changes.push(
      `${src.file}: ${taken.length} operations${superseded > 0 ? `, ${superseded} superseded by an earlier file` : ''}${renamed}`,
    );
  }
  return { doc: merged, changes };
}
