import { ENTITY_TYPES, type CanonicalColumn, type EntityType, type ReadyRow } from '@wbp/csv-contract';

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

/**
 * The executor's row for a ready-file row (what `wbp run` and `wbp plan` hand in). The entity type
 * is checked rather than cast: the ready file was validated, so an unknown one is a bug, not data.
 */
export function execRowOf(ready: ReadyRow): ExecRow {
  const { row_id, ...fields } = ready;
  const entityType = ENTITY_TYPES.find((t) => t === ready.entity_type);
  if (entityType === undefined)
    throw new Error(`row ${row_id}: entity_type ${JSON.stringify(ready.entity_type)} is not one of ${ENTITY_TYPES.join(', ')}`);
  return { rowId: row_id, entityType, entityKey: ready.entity_key, fields };
}
