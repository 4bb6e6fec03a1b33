import type { Location } from '@wbp/webex-client';
import type { WebexPort } from './port.js';

const CALLING_LICENSE_PREFERENCE = ['Webex Calling - Professional'];

/**
 * What the run knows about the org, looked up once (three list calls) and kept current as the
 * run changes it, so no row spends a request on an answer that is already known.
 */
export class OrgCache {
  readonly #byName = new Map<string, Location>();
  readonly #calling = new Set<string>();
  /** Every Calling licence id (Professional, Basic…): a person holding any of them has Calling. */
  readonly callingLicenseIds: ReadonlySet<string>;
  /** The licence wbp assigns, with the units left for this run. */
  readonly assignable: { id: string; name: string; unitsLeft: number } | undefined;

  private constructor(locations: Location[], callingIds: string[], licenses: { id?: string; name?: string; totalUnits?: number; consumedUnits?: number }[]) {
    for (const l of locations) this.#byName.set(l.name.trim().toLowerCase(), l);
    for (const id of callingIds) this.#calling.add(id);
    const calling = licenses.filter((l) => l.id && l.name?.startsWith('Webex Calling') && !l.name.includes('Workspaces'));
    this.callingLicenseIds = new Set(calling.map((l) => l.id!));
    const pick = CALLING_LICENSE_PREFERENCE.map((n) => calling.find((l) => l.name === n)).find((l) => l !== undefined);
    this.assignable = pick ? { id: pick.id!, name: pick.name!, unitsLeft: Math.max(0, (pick.totalUnits ?? 0) - (pick.consumedUnits ?? 0)) } : undefined;
  }

  static async load(port: WebexPort): Promise<OrgCache> {
    const [locations, calling, licenses] = await Promise.all([port.locations.list(), port.callingLocations.list(), port.licenses.list()]);
    return new OrgCache(
      locations,
      calling.map((c) => c.id).filter((id): id is string => typeof id === 'string'),
      licenses,
    );
  }

  location(name: string): Location | undefined {
    return this.#byName.get(name.trim().toLowerCase());
  }

  rememberLocation(location: Location): void {
    this.#byName.set(location.name.trim().toLowerCase(), location);
  }

  forgetLocation(name: string): void {
    this.#byName.delete(name.trim().toLowerCase());
  }

  isCalling(locationId: string): boolean {
    return this.#calling.has(locationId);
  }

  markCalling(locationId: string): void {
    this.#calling.add(locationId);
  }

  /** Reserves one licence unit for an assignment; false when none is left. */
  takeUnit(): boolean {
    if (!this.assignable || this.assignable.unitsLeft <= 0) return false;
    this.assignable.unitsLeft -= 1;
    return true;
  }

  returnUnit(): void {
    if (this.assignable) this.assignable.unitsLeft += 1;
  }
}
