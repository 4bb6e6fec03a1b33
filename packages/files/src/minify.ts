import type { CsvCell } from './columns.js';

/**
 * `raw_row_minified` (term sheet §14.9): the row as compact JSON, so an engineer can see what was
 * submitted without the input file at hand. Only non-empty values are kept — a 30-column row is
 * mostly empty cells — and keys keep the order of `columns` (default: the row's own key order),
 * so the same row always serialises to the same text.
 */
export function minifyRow(row: Readonly<Record<string, CsvCell>>, columns?: readonly string[]): string {
  const compact: Record<string, string | number | boolean> = {};
  for (const column of columns ?? Object.keys(row)) {
    const value = row[column];
    if (value === undefined || value === null) continue;
    if (typeof value === 'string' && value.trim() === '') continue;
    compact[column] = value;
  }
  return JSON.stringify(compact);
}
