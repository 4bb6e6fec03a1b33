import { foldLocationKey } from '@wbp/csv-contract';

/** One pending row as the summary lists it. */
export interface PendingRowRef {
  rowId: number;
  /** Physical line in the CSV (header = line 1), when the CSV could be read for it. */
  line?: number | undefined;
  entityType: string;
  entityKey: string;
  reasonCode: string;
  message: string;
}

/** A location row that did not succeed, and the pending rows at that location. */
export interface LocationCause {
  locationRowId: number;
  locationLine?: number | undefined;
  locationKey: string;
  state: 'rejected' | 'pending';
  reasonCode: string;
  message: string;
  /** How many pending rows depend on it; `rows` lists the first `listPerGroup`. */
  count: number;
  rows: PendingRowRef[];
}

/** Pending rows with no failed location behind them, by their own reason. */
export interface ReasonGroup {
  reasonCode: string;
  count: number;
  rows: PendingRowRef[];
}

export interface PendingCauses {
  byLocation: LocationCause[];
  byReason: ReasonGroup[];
}

/** What the grouping needs of a location row that did not succeed (rejected or pending). */
export interface FailedLocationRow {
  rowId: number;
  state: 'rejected' | 'pending';
  reasonCode: string;
  message: string;
  /** The row's cells as written (raw_row_minified). */
  raw: Readonly<Record<string, string>>;
}

export interface PendingRowInput extends PendingRowRef {
  /** The row's `location_key` (from raw_row_minified), for user and extension_assignment rows. */
  locationKey?: string | undefined;
}

/** Rows listed per group: enough to act on, bounded so a 21,000-row job summary stays readable (and under GitHub's 1 MiB). */
export const LIST_PER_GROUP = 20;
/** Location groups listed; the rest are counted. */
export const MAX_LOCATION_GROUPS = 50;

/**
 * Groups pending rows by root cause: a row whose `location_key` names a location row that was
 * rejected or ended pending is listed under that location row (one fix there is what it needs),
 * the others under their own reason code. A location key that a successful location row also
 * carries is no cause, and neither is a rejected duplicate (the first row with its key carries
 * the location): keys compare as the executor compares them.
 */
export function groupPendingByCause(
  pending: Iterable<PendingRowInput>,
  failedLocations: Iterable<FailedLocationRow>,
  succeededLocationKeys: ReadonlySet<string>,
  listPerGroup = LIST_PER_GROUP,
): PendingCauses {
  const causeByKey = new Map<string, LocationCause>();
  const byRow = new Map<number, LocationCause>();
  for (const loc of failedLocations) {
    if (loc.reasonCode === 'duplicate_key') continue;
    const keys = ['entity_key', 'location_external_id', 'location_name']
      .map((c) => foldLocationKey(loc.raw[c] ?? ''))
      .filter((k) => k !== '' && !succeededLocationKeys.has(k));
    if (keys.length === 0) continue;
    const cause: LocationCause = {
      locationRowId: loc.rowId,
      locationKey: loc.raw.entity_key || loc.raw.location_external_id || loc.raw.location_name || '',
      state: loc.state,
      reasonCode: loc.reasonCode,
      message: loc.message,
      count: 0,
      rows: [],
    };
    byRow.set(loc.rowId, cause);
    for (const key of keys) if (!causeByKey.has(key)) causeByKey.set(key, cause);
  }
  const reasons = new Map<string, ReasonGroup>();
  for (const row of pending) {
    const { locationKey, ...ref } = row;
    const cause = row.entityType === 'location' || locationKey === undefined ? undefined : causeByKey.get(foldLocationKey(locationKey));
    if (cause) {
      cause.count++;
      if (cause.rows.length < listPerGroup) cause.rows.push(ref);
      continue;
    }
    let group = reasons.get(row.reasonCode);
    if (!group) {
      group = { reasonCode: row.reasonCode, count: 0, rows: [] };
      reasons.set(row.reasonCode, group);
    }
    group.count++;
    if (group.rows.length < listPerGroup) group.rows.push(ref);
  }
  return {
    byLocation: [...byRow.values()].filter((c) => c.count > 0).sort((a, b) => b.count - a.count || a.locationRowId - b.locationRowId),
    byReason: [...reasons.values()].sort((a, b) => b.count - a.count || a.reasonCode.localeCompare(b.reasonCode)),
  };
}

/** The cells of raw_row_minified (a JSON object of the non-empty cells), or {} when it is not one. */
export function rawCells(minified: string): Record<string, string> {
  try {
    const parsed: unknown = JSON.parse(minified);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return {};
  }
}
