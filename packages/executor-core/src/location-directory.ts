import { foldLocationKey } from '@wbp/csv-contract';
import type { Location } from '@wbp/webex-client';
import type { OrgCache } from './org-cache.js';

/**
 * Webex locations have no external-id field. A row's `location_key` (the location row's
 * `location_external_id`, else its name) is mapped to the location row's `location_name`, and the
 * remote location is the one with that name (exact, case-insensitive). A key with no location row
 * in the file is taken as the name of a location that already exists in Webex.
 */
export class LocationDirectory {
  readonly #nameByKey = new Map<string, string>();

  add(key: string, name: string): void {
    this.#nameByKey.set(foldLocationKey(key), name);
  }

  nameFor(key: string): string {
    return this.#nameByKey.get(foldLocationKey(key)) ?? key;
  }

  resolve(key: string, cache: OrgCache): Location | undefined {
    return cache.location(this.nameFor(key));
  }
}
