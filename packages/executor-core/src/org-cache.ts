import { foldLocationKey } from '@wbp/csv-contract';
import type { Location } from '@wbp/webex-client';
import { LicencePool } from './licence-pool.js';
import { LineInventory } from './line-inventory.js';
import type { ReadPort } from './port.js';

/**
 * What the run knows about the org, looked up once (three list calls, then each location's lines
 * when first needed) and kept current as the run changes it, so no row spends a request on an
 * answer that is already known. Locations are kept by name folded with `foldLocationKey` (Webex
 * location names are unique regardless of case), the one fold the CSV contract checks duplicates with.
 */
export class OrgCache {
  readonly #byName = new Map<string, Location>();
  readonly #calling = new Set<string>();
  /** Every Calling licence id (Professional, Basic…): a person holding any of them has Calling. */
  readonly callingLicenseIds: ReadonlySet<string>;
  /** The Calling licence units this run may assign, per licence entry. */
  readonly licences: LicencePool;
  readonly lines: LineInventory;

  private constructor(
    port: ReadPort,
    locations: Location[],
    callingIds: string[],
    licences: Awaited<ReturnType<ReadPort['licenses']['list']>>,
    pinnedLicenceId: string | undefined,
  ) {
    for (const l of locations) this.#byName.set(foldLocationKey(l.name), l);
    for (const id of callingIds) this.#calling.add(id);
    const calling = licences.filter((l) => l.id && l.name?.startsWith('Webex Calling') && !l.name.includes('Workspaces'));
    this.callingLicenseIds = new Set(calling.map((l) => l.id!));
    this.licences = new LicencePool(licences, pinnedLicenceId);
    this.lines = new LineInventory(port);
  }

  static async load(port: ReadPort, pinnedLicenceId?: string): Promise<OrgCache> {
    const [locations, calling, licences] = await Promise.all([port.locations.list(), port.callingLocations.list(), port.licenses.list()]);
    return new OrgCache(
      port,
      locations,
      calling.map((c) => c.id).filter((id): id is string => typeof id === 'string'),
      licences,
      pinnedLicenceId,
    );
  }

  location(name: string): Location | undefined {
    return this.#byName.get(foldLocationKey(name));
  }

  rememberLocation(location: Location): void {
    this.#byName.set(foldLocationKey(location.name), location);
  }

  forgetLocation(name: string): void {
    this.#byName.delete(foldLocationKey(name));
  }

  isCalling(locationId: string): boolean {
    return this.#calling.has(locationId);
  }

  markCalling(locationId: string): void {
    this.#calling.add(locationId);
  }
}
