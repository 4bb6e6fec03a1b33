import type { CanonicalColumn, EntityType, ReadyRow } from '@wbp/csv-contract';

/**
 * Every contract column of a ready row, as normalised text ('' when empty): the ready file's row
 * without its `row_id`. Typed from `ReadyRow`, so a misspelt column is a compile error, not a
 * column that is silently always empty.
 */
export type ReadyFields = Omit<ReadyRow, 'row_id'>;

/** A normalised ready_to_load.csv row as the executor sees it. */
export interface ExecRow {
  rowId: number;
  entityType: EntityType;
  entityKey: string;
  fields: ReadyFields;
}

/** A column's value, or undefined when the row leaves it empty. */
export function field(row: ExecRow, column: CanonicalColumn): string | undefined {
  const v = row.fields[column];
  return v === undefined || v === '' ? undefined : v;
}
