import type { EntityType } from './columns.js';
import { foldLocationKey } from './location-key.js';
import type { PreApiReasonCode } from './reasons.js';

/** A rejected location row that rows still ready to load name in their `location_key`. */
export interface OrphanedLocation {
  /** The `location_key` as the first dependent row wrote it. */
  locationKey: string;
  /** The rejected location row: its row_id, physical line and reason. */
  locationRowId: number;
  locationLine: number;
  reasonCode: PreApiReasonCode;
  /** How many ready rows name it, and the first few of them (row_id, line). */
  dependents: number;
  sample: { rowId: number; line: number }[];
}

interface LocationRow {
  rowId: number;
  line: number;
  reasonCode: PreApiReasonCode;
}

/** How many dependent rows an orphan names in `sample`: enough to find them, bounded for 200k-row files. */
const SAMPLE = 5;

/**
 * Finds ready rows whose location will not come from this file: their `location_key` names a
 * location row that was rejected, and no ready location row has that key or name. Such rows are
 * not rejected (the location may already exist in Webex), but unless it does they will end
 * pending, so `wbp validate` warns about them before a run. Memory is per location key, not per row.
 */
export class LocationOrphans {
  readonly #rejected = new Map<string, LocationRow>();
  readonly #ready = new Set<string>();
  readonly #dependents = new Map<string, { locationKey: string; count: number; sample: { rowId: number; line: number }[] }>();

  /** A ready location row: its key and name are provided by the file. */
  readyLocation(entityKey: string, name: string): void {
    this.#ready.add(foldLocationKey(entityKey));
    this.#ready.add(foldLocationKey(name));
  }

  /**
   * A rejected location row, by every name a dependent row may use for it. A row rejected as a
   * duplicate is not a cause: the first row with that key carries the location.
   */
  rejectedLocation(raw: Readonly<Record<string, string>>, rowId: number, line: number, reasonCode: PreApiReasonCode): void {
    if (reasonCode === 'duplicate_key') return;
    for (const column of ['entity_key', 'location_external_id', 'location_name']) {
      const key = foldLocationKey(raw[column] ?? '');
      if (key && !this.#rejected.has(key)) this.#rejected.set(key, { rowId, line, reasonCode });
    }
  }

  /** A ready user or extension_assignment row and the location it names. */
  dependent(type: EntityType, locationKey: string, rowId: number, line: number): void {
    if (type === 'location') return;
    const key = foldLocationKey(locationKey);
    let entry = this.#dependents.get(key);
    if (!entry) {
      entry = { locationKey, count: 0, sample: [] };
      this.#dependents.set(key, entry);
    }
    entry.count++;
    if (entry.sample.length < SAMPLE) entry.sample.push({ rowId, line });
  }

  /** The orphaned locations, in the order of their location rows. */
  list(): OrphanedLocation[] {
    const out: OrphanedLocation[] = [];
    for (const [key, entry] of this.#dependents) {
      const cause = this.#rejected.get(key);
      if (!cause || this.#ready.has(key)) continue;
      out.push({
        locationKey: entry.locationKey,
        locationRowId: cause.rowId,
        locationLine: cause.line,
        reasonCode: cause.reasonCode,
        dependents: entry.count,
        sample: entry.sample,
      });
    }
    return out.sort((a, b) => a.locationRowId - b.locationRowId);
  }
}
