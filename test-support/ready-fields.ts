import { CANONICAL_COLUMNS, type CanonicalColumn, type ReadyRow } from '@wbp/csv-contract';

/**
 * A ready row's columns for a test: the ones given, every other contract column '' (not set), as
 * ready_to_load.csv holds them. Only contract columns can be given, so a misspelt one does not compile.
 */
export function readyFields(given: Partial<Record<CanonicalColumn, string>>): Omit<ReadyRow, 'row_id'> {
  const fields = {} as Record<CanonicalColumn, string>;
  for (const column of CANONICAL_COLUMNS) fields[column] = given[column] ?? '';
  return fields;
}
