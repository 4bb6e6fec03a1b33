import type { License } from '@wbp/webex-client';

/** The licence wbp assigns to enable Calling for a person. */
export const CALLING_LICENCE_NAME = 'Webex Calling - Professional';

export interface LicenceEntry {
  id: string;
  name: string;
  subscriptionId?: string | undefined;
  /** Units this run may still use from this entry. */
  unitsLeft: number;
}

/**
 * The Calling licence units the run may assign, counted per licence entry. An org lists one
 * entry per subscription, each with its own units: every Professional entry is a candidate, the
 * first with a free unit is used and the next takes over when it fills. `pinnedId`
 * (WEBEX_CALLING_LICENSE_ID) restricts the pool to that one entry.
 */
export class LicencePool {
  readonly entries: readonly LicenceEntry[];
  /** Why the pool is empty, when it is (a message for the rows that need a licence). */
  readonly emptyReason: string | undefined;

  constructor(licenses: readonly License[], pinnedId?: string) {
    const calling = licenses.filter(
      (l): l is License & { id: string; name: string } => typeof l.id === 'string' && l.name === CALLING_LICENCE_NAME,
    );
    const candidates =
      pinnedId === undefined
        ? calling
        : licenses.filter((l): l is License & { id: string; name: string } => l.id === pinnedId && typeof l.name === 'string');
    this.entries = candidates.map((l) => ({
      id: l.id,
      name: l.name,
      subscriptionId: l.subscriptionId,
      unitsLeft: Math.max(0, (l.totalUnits ?? 0) - (l.consumedUnits ?? 0)),
    }));
    this.emptyReason =
      this.entries.length > 0
        ? undefined
        : pinnedId === undefined
          ? `the org has no ${CALLING_LICENCE_NAME} licence to assign`
          : `WEBEX_CALLING_LICENSE_ID ${pinnedId} is not a licence of this org`;
  }

  get unitsLeft(): number {
    return this.entries.reduce((sum, e) => sum + e.unitsLeft, 0);
  }

  /** Reserves one unit from the first entry that has one; undefined when every entry is full. */
  take(): LicenceEntry | undefined {
    const entry = this.entries.find((e) => e.unitsLeft > 0);
    if (entry) entry.unitsLeft -= 1;
    return entry;
  }

  giveBack(entry: LicenceEntry): void {
    entry.unitsLeft += 1;
  }
}
