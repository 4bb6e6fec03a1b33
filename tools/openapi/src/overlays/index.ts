import { dedupeOperationIds } from './dedupe-operation-ids.js';
import { fixLocationSchema } from './fix-location-schema.js';
import { numberOwnerDisplayName } from './number-owner-display-name.js';
import { rangesFromDescriptions } from './ranges-from-descriptions.js';
import type { OpenApiDocument, Overlay } from './types.js';

export const overlays: readonly Overlay[] = [dedupeOperationIds, fixLocationSchema, numberOwnerDisplayName, rangesFromDescriptions];

export function applyOverlays(specFile: string, doc: OpenApiDocument): string[] {
  return overlays.filter((o) => o.appliesTo(specFile)).flatMap((o) => o.apply(doc).map((change) => `${o.name}: ${change}`));
}

export type { OpenApiDocument, Overlay } from './types.js';
