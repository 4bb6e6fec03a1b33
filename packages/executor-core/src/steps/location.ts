import { foldLocationKey, type CanonicalColumn } from '@wbp/csv-contract';
import { WebexApiError, type Location, type LocationCreate } from '@wbp/webex-client';
import type { SuccessOutcome } from '../outcome.js';
import { field, type ExecRow } from '../row.js';
import { CREATED_MARK, type StepTrail } from '../trail.js';
import { PLANNED_LOCATION_PREFIX } from '../line-inventory.js';
import { createOrAdopt } from './create-or-adopt.js';
import type { RowEnv } from './env.js';

/** Pure: the create body from a normalised location row (every required field was checked pre-API). */
export function locationPayload(row: ExecRow): LocationCreate {
  const f = (c: CanonicalColumn) => field(row, c) ?? '';
  return {
    name: f('location_name'),
    timeZone: f('time_zone'),
    preferredLanguage: f('preferred_language'),
    announcementLanguage: f('announcement_language'),
    address: {
      address1: f('address_line1'),
      ...(field(row, 'address_line2') ? { address2: f('address_line2') } : {}),
      city: f('address_city'),
      state: f('address_state'),
      postalCode: f('address_postal_code'),
      country: f('address_country'),
    },
  };
}

/** Pure: each field the run sets that differs between the remote location and the row, as `field: old → new`. */
export function locationDifferences(remote: Location, want: LocationCreate): string[] {
  const a = remote.address;
  const b = want.address;
  const pairs: [string, string | undefined, string | undefined][] = [
    ['name', remote.name, want.name],
    ['timeZone', remote.timeZone, want.timeZone],
    ['preferredLanguage', remote.preferredLanguage, want.preferredLanguage],
    ['address.address1', a?.address1, b.address1],
    ['address.address2', a?.address2 ?? '', b.address2 ?? ''],
    ['address.city', a?.city, b.city],
    ['address.state', a?.state, b.state],
    ['address.postalCode', a?.postalCode, b.postalCode],
    ['address.country', a?.country, b.country],
  ];
  const shown = (v: string | undefined) => (v === undefined || v === '' ? '(none)' : v);
  return pairs.filter(([, x, y]) => a === undefined || x !== y).map(([f, x, y]) => `${f}: ${shown(x)} → ${shown(y)}`);
}

/** True when the remote location already matches the row (so no PUT is spent). */
export function locationMatches(remote: Location, want: LocationCreate): boolean {
  return locationDifferences(remote, want).length === 0;
}

/** Exact-name lookup straight from Webex (after an unknown outcome or a conflict, never from the cache). */
async function findByName(env: RowEnv, name: string): Promise<Location | undefined> {
  const wanted = foldLocationKey(name);
  return (await env.port.locations.list({ name })).find((l) => foldLocationKey(l.name) === wanted);
}

const isConflict = (err: WebexApiError) => err.status === 409;

/**
 * Creates the location. After an unknown outcome (timeout, 5xx, dropped connection) the name is
 * looked up over the settle window before a second create is sent, and a conflict ("the name
 * exists") is adopted once the lookup finds it: a location is never created twice.
 */
async function createLocation(env: RowEnv, want: LocationCreate, trail: StepTrail): Promise<Location> {
  const made = (id: string): Location => ({
    id,
    name: want.name,
    timeZone: want.timeZone,
    preferredLanguage: want.preferredLanguage,
    address: want.address,
  });
  const value = await createOrAdopt<Location>(env, trail, {
    action: 'create',
    detail: `location: (none) → "${want.name}" (${want.address.city}, ${want.address.country}, ${want.timeZone})`,
    step: 'location_create',
    about: { location: want.name },
    send: async (port) => made((await port.locations.create(want)).id),
    lookup: () => findByName(env, want.name),
    mayBeDone: isConflict,
    projected: () => made(`${PLANNED_LOCATION_PREFIX}${foldLocationKey(want.name)}`),
  });
  trail.mutated(CREATED_MARK);
  return value;
}

async function enableCalling(env: RowEnv, location: Location, want: LocationCreate, trail: StepTrail): Promise<void> {
  await createOrAdopt<true>(env, trail, {
    action: 'enable_calling',
    detail: `calling: disabled → enabled ("${location.name}")`,
    step: 'location_enable_calling',
    about: { location: location.name },
    send: async (port) => {
      await port.callingLocations.enable({ id: location.id, ...want, name: location.name });
      return true;
    },
    lookup: () =>
      env.port.callingLocations.get(location.id).then(
        () => true as const,
        (e: unknown) => (e instanceof WebexApiError && e.status === 404 ? undefined : Promise.reject(e)),
      ),
    mayBeDone: isConflict,
    // Enabling Calling on a location twice cannot make a second one; the repeat answers 409.
    repeatSafe: true,
    projected: () => true,
  });
  env.cache.markCalling(location.id);
  trail.mutated('location_enable_calling');
}

/** Phase 1: location_lookup → location_create | location_update → location_enable_calling. */
export async function processLocation(row: ExecRow, env: RowEnv, trail: StepTrail): Promise<SuccessOutcome> {
  trail.step('location_lookup');
  const want = locationPayload(row);
  let location = env.cache.location(want.name);
  const did: string[] = [];
  if (!location) {
    trail.step('location_create');
    location = await createLocation(env, want, trail);
    did.push('created');
  } else if (!locationMatches(location, want)) {
    trail.step('location_update');
    const { announcementLanguage: _ignored, ...update } = want;
    const id = location.id;
    await env.apply.apply(
      trail,
      'update',
      locationDifferences(location, want).join(', '),
      (port) => port.locations.update(id, update),
      () => undefined,
    );
    trail.mutated('location_update');
    location = { ...location, ...update };
    did.push('updated');
  }
  env.cache.rememberLocation(location);
  if (!env.cache.isCalling(location.id)) {
    trail.step('location_enable_calling');
    try {
      await enableCalling(env, location, want, trail);
    } catch (err) {
      if (env.compensate && did[0] === 'created') await compensateCreate(env, location, trail);
      throw err;
    }
    did.push('Calling enabled');
  }
  return {
    status: 'success',
    step: trail.current,
    message: did.length > 0 ? `location ${did.join(', ')}` : 'location already up to date and Calling-enabled',
    remoteId: location.id,
  };
}

/** §15.3: delete the location this row created; a failed delete is recorded, never fatal. */
async function compensateCreate(env: RowEnv, location: Location, trail: StepTrail): Promise<void> {
  try {
    await env.apply.undo((port) => port.locations.delete(location.id));
    env.cache.forgetLocation(location.name);
    trail.notes.push(`Compensation: the location created by this row (${location.id}) was deleted.`);
  } catch (err) {
    trail.notes.push(
      `Compensation failed: could not delete location ${location.id} (${err instanceof Error ? err.message : String(err)}).`,
    );
  }
}
