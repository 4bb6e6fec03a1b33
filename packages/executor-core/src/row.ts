import type { EntityType } from './outcome.js';

/** A normalised ready_to_load.csv row as the executor sees it. */
export interface ExecRow {
  rowId: number;
  entityType: EntityType;
  entityKey: string;
  /** Every column of the ready file, as normalised text ('' when empty). */
  fields: Readonly<Record<string, string>>;
}

export function field(row: ExecRow, column: string): string | undefined {
  const v = row.fields[column];
  return v === undefined || v === '' ? undefined : v;
}
