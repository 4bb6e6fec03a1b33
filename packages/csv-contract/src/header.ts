import { CANONICAL_COLUMNS, IDENTITY_COLUMNS, REQUIRED_HEADER_COLUMNS, type EntityType } from './columns.js';
import { CsvFileError } from './errors.js';
import { cleanCell } from './normalise/text.js';

/** Where each known column sits in a record, and what the header had that the contract ignores. */
export interface Header {
  /** `[column, index]` for every contract or identity column in the header. */
  columns: Array<[string, number]>;
  present: ReadonlySet<string>;
  /** Header names the contract does not know, as written; their values are ignored. */
  ignored: string[];
  width: number;
}

const KNOWN: ReadonlySet<string> = new Set<string>([...CANONICAL_COLUMNS, ...IDENTITY_COLUMNS]);

/**
 * Header names are matched after trimming and lower-casing (`Email ` is `email`). Unknown names
 * are ignored, so a team may keep its own notes columns; a known name twice is ambiguous and
 * fails the file, as does a header without `entity_type`.
 */
export function resolveHeader(file: string, cells: readonly string[], line: number): Header {
  const columns: Array<[string, number]> = [];
  const present = new Set<string>();
  const ignored: string[] = [];
  const duplicated = new Set<string>();
  cells.forEach((cell, index) => {
    const name = cleanCell(cell).toLowerCase();
    if (!KNOWN.has(name)) {
      if (name !== '') ignored.push(cell.trim());
      return;
    }
    if (present.has(name)) duplicated.add(name);
    present.add(name);
    columns.push([name, index]);
  });

  if (!present.has('entity_type')) {
    const only = cells.length === 1 ? (cells[0] ?? '') : '';
    if (/entity_type/i.test(only) && /[;\t]/.test(only)) {
      const separator = only.includes(';') ? 'semicolons' : 'tabs';
      throw new CsvFileError(
        file,
        'wrong_delimiter',
        `the header is separated by ${separator}; the contract requires commas (in Excel: Save As "CSV UTF-8 (Comma delimited)")`,
        line,
      );
    }
    throw new CsvFileError(file, 'missing_columns', 'the header has no entity_type column (is the first line the header?)', line);
  }
  if (duplicated.size > 0) {
    throw new CsvFileError(
      file,
      'duplicate_columns',
      `column${duplicated.size > 1 ? 's' : ''} ${[...duplicated].join(', ')} appear${duplicated.size > 1 ? '' : 's'} more than once in the header`,
      line,
    );
  }
  return { columns, present, ignored, width: cells.length };
}

/**
 * The header columns the rows of this file need: for every entity type that occurs, its required
 * columns, minus those given a default. All missing columns are reported in one message.
 */
export function missingColumns(header: Header, entityTypes: ReadonlySet<EntityType>, defaulted: ReadonlySet<string>): string | undefined {
  const parts: string[] = [];
  for (const type of entityTypes) {
    const missing: string[] = REQUIRED_HEADER_COLUMNS[type].filter((column) => !header.present.has(column) && !defaulted.has(column));
    if (type === 'extension_assignment' && !header.present.has('extension') && !header.present.has('phone_number')) {
      missing.push('extension or phone_number');
    }
    if (missing.length > 0) parts.push(`${missing.join(', ')} (needed by ${type} rows)`);
  }
  return parts.length > 0
    ? `missing required column${parts.length > 1 || parts[0]?.includes(',') ? 's' : ''}: ${parts.join('; ')}`
    : undefined;
}
