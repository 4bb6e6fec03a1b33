/** A loosely typed OpenAPI document: overlays only touch the parts they know. */
export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
  components?: { schemas?: Record<string, unknown> };
  [key: string]: unknown;
}

/** One named correction of a known defect in an official spec, applied before generation. */
export interface Overlay {
  name: string;
  /** Which spec files (by base name) the overlay applies to. */
  appliesTo: (specFile: string) => boolean;
  /** Mutates a private copy of the document; returns one line per change made, for the log. */
  apply: (doc: OpenApiDocument) => string[];
}

export const HTTP_METHODS = ['get', 'put', 'post', 'patch', 'delete', 'head', 'options', 'trace'] as const;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
