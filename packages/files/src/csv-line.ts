import type { CsvCell } from './columns.js';

const NEEDS_QUOTES = /[",\r\n]/;

/** One RFC 4180 line, `\n`-terminated: fields quoted only when they contain `"`, `,`, CR or LF. */
export function formatCsvLine(cells: readonly string[]): string {
  let line = '';
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i] ?? '';
    if (i > 0) line += ',';
    line += NEEDS_QUOTES.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
  }
  return `${line}\n`;
}

/** The text of one cell; anything that is not a scalar is a caller bug, not data to stringify. */
export function cellText(value: CsvCell, column: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new TypeError(`column ${column}: ${String(value)} is not a writable cell value`);
}
