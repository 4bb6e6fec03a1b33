import { isRecord, type Overlay } from './types.js';

const RANGE = /must be between (\d+) and (\d+), inclusive/;

function visit(node: unknown, at: string, changes: string[]): void {
  if (Array.isArray(node)) {
    for (const [i, n] of node.entries()) visit(n, `${at}[${i}]`, changes);
  }
  if (!isRecord(node)) return;
  const range = typeof node.description === 'string' ? RANGE.exec(node.description) : null;
  if (range && (node.type === 'number' || node.type === 'integer') && node.minimum === undefined && node.maximum === undefined) {
    node.minimum = Number(range[1]);
    node.maximum = Number(range[2]);
    changes.push(`${at}: minimum ${range[1]}, maximum ${range[2]} (from its description)`);
  }
  for (const [key, value] of Object.entries(node)) if (key !== 'example' && key !== 'examples') visit(value, `${at}.${key}`, changes);
}

/**
 * The official Cloud Calling spec states some numeric ranges only in prose ("`numberOfRings` must be
 * between 2 and 20, inclusive") and types the field a bare `number`. The rule is copied into
 * `minimum`/`maximum`, so the simulator's request validation enforces what the spec says.
 */
export const rangesFromDescriptions: Overlay = {
  name: 'ranges-from-descriptions',
  appliesTo: (file) => /(^|\/)webex-cloud-calling(\.[a-z0-9-]+)?\.json$/.test(file) && !file.endsWith('.subset.json'),
  apply(doc) {
    const changes: string[] = [];
    visit(doc.components?.schemas, 'schemas', changes);
    return changes;
  },
};
