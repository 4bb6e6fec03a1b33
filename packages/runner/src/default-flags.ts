import { UsageError } from './io.js';

/** `--default column=value` (repeatable) → the explicit defaults input_schema.md allows. */
export function parseDefaults(pairs: readonly string[]): Record<string, string> {
  const defaults: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--default expects column=value, got ${JSON.stringify(pair)}`);
    defaults[pair.slice(0, eq).trim()] = pair.slice(eq + 1);
  }
  return defaults;
}
