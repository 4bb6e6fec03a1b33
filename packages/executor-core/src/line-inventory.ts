import type { NumberItem } from '@wbp/webex-client';
import { RowStop } from './outcome.js';
import type { ReadPort } from './port.js';

/** Who holds a number or extension: a remote owner, or a person this run has just given it to. */
interface Holder {
  id?: string | undefined;
  name?: string | undefined;
}

export interface Line {
  extension?: string | undefined;
  phoneNumber?: string | undefined;
}

function holderOf(item: NumberItem): Holder | undefined {
  const owner = item.owner;
  if (!owner?.id) return undefined;
  return { id: owner.id, name: owner.displayName ?? ([owner.firstName, owner.lastName].filter(Boolean).join(' ') || owner.id) };
}

/**
 * A location a plan would create (its id is `PLANNED_LOCATION_PREFIX` + name): nothing of it can be
 * listed yet, so its number inventory and the extensions held there are known only after apply.
 */
export const PLANNED_LOCATION_PREFIX = 'planned-location:';

export function isPlannedLocation(locationId: string): boolean {
  return locationId.startsWith(PLANNED_LOCATION_PREFIX);
}

/** One location's numbers and extensions as Webex lists them, kept current as the run assigns lines. */
class LocationLines {
  /** phone number → holder (undefined = in the inventory and free). */
  readonly numbers = new Map<string, Holder | undefined>();
  readonly extensions = new Map<string, Holder>();

  /** `unknown`: a location a plan would create; its inventory cannot be read before apply. */
  constructor(
    items: NumberItem[],
    readonly unknown = false,
  ) {
    for (const item of items) {
      const holder = holderOf(item);
      if (item.phoneNumber) this.numbers.set(item.phoneNumber, holder);
      if (item.extension && holder) this.extensions.set(item.extension, holder);
    }
  }
}

const who = (h: Holder) => h.name ?? h.id ?? 'someone else';

/**
 * Whether a line can be given to a person, decided from the org's own state (each location's
 * number inventory and assigned extensions, listed once and paged) instead of from a Webex error
 * code on the mutation: Webex documents few of those codes, and an unrecognised refusal would be
 * indistinguishable from an org-wide failure. Claims are recorded as the run assigns, so two rows
 * never race for one line.
 */
export class LineInventory {
  readonly #byLocation = new Map<string, Promise<LocationLines>>();

  constructor(private readonly port: ReadPort) {}

  #lines(locationId: string): Promise<LocationLines> {
    let lines = this.#byLocation.get(locationId);
    if (!lines) {
      lines = isPlannedLocation(locationId)
        ? Promise.resolve(new LocationLines([], true))
        : this.port.numbers.list({ locationId }).then((items) => new LocationLines(items));
      // A failed listing is not cached: the next row tries again.
      lines.catch(() => this.#byLocation.delete(locationId));
      this.#byLocation.set(locationId, lines);
    }
    return lines;
  }

  /**
   * Checks that the number is in the location's inventory and free (or already this person's) and
   * that the extension is free at the location (or this person's), then claims both for the person.
   * Returns a release function for when the assignment fails.
   */
  async claim(personId: string, locationId: string, locationName: string, line: Line): Promise<() => void> {
    const lines = await this.#lines(locationId);
    const { phoneNumber, extension } = line;
    if (phoneNumber) {
      if (!lines.unknown && !lines.numbers.has(phoneNumber)) {
        throw new RowStop(
          'precondition_missing',
          `${phoneNumber} is not in the number inventory of "${locationName}": have it delivered to that location, then re-run`,
        );
      }
      const holder = lines.numbers.get(phoneNumber);
      if (holder && holder.id !== personId)
        throw new RowStop('precondition_missing', `${phoneNumber} is already assigned to ${who(holder)}`);
    }
    if (extension) {
      const holder = lines.extensions.get(extension);
      if (holder && holder.id !== personId)
        throw new RowStop('precondition_missing', `extension ${extension} in "${locationName}" is already assigned to ${who(holder)}`);
    }
    const previous = {
      number: phoneNumber ? lines.numbers.get(phoneNumber) : undefined,
      extension: extension ? lines.extensions.get(extension) : undefined,
    };
    const mine: Holder = { id: personId };
    if (phoneNumber) lines.numbers.set(phoneNumber, mine);
    if (extension) lines.extensions.set(extension, mine);
    return () => {
      if (phoneNumber && lines.numbers.get(phoneNumber) === mine) lines.numbers.set(phoneNumber, previous.number);
      if (extension && lines.extensions.get(extension) === mine) {
        if (previous.extension) lines.extensions.set(extension, previous.extension);
        else lines.extensions.delete(extension);
      }
    };
  }

  /** Lists the location's lines now (a plan reads every location it needs before deciding). */
  async prefetch(locationId: string): Promise<void> {
    await this.#lines(locationId).catch(() => undefined);
  }

  /** The person gave up this line (their extension or number changed): free it for later rows. */
  async release(personId: string, locationId: string, line: Line): Promise<void> {
    const lines = this.#byLocation.get(locationId);
    if (!lines) return;
    const known = await lines.catch(() => undefined);
    if (!known) return;
    if (line.phoneNumber && known.numbers.get(line.phoneNumber)?.id === personId) known.numbers.set(line.phoneNumber, undefined);
    if (line.extension && known.extensions.get(line.extension)?.id === personId) known.extensions.delete(line.extension);
  }
}
