import { WebexApiError, type Location, type LocationCreate } from '@wbp/webex-client';
import type { SuccessOutcome } from '../outcome.js';
import { field, type ExecRow } from '../row.js';
import type { StepTrail } from '../trail.js';
import type { StepEnv } from './env.js';

/** Pure: the create body from a normalised location row (every required field was checked pre-API). */
export function locationPayload(row: ExecRow): LocationCreate {
  const f = (c: string) => field(row, c) ?? '';
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

/** True when the remote location already matches the row (so no PUT is spent). */
export function locationMatches(remote: Location, want: LocationCreate): boolean {
  const a = remote.address;
  const b = want.address;
  return (
    remote.name === want.name &&
    remote.timeZone === want.timeZone &&
    remote.preferredLanguage === want.preferredLanguage &&
    a !== undefined &&
    a.address1 === b.address1 &&
    (a.address2 ?? '') === (b.address2 ?? '') &&
    a.city === b.city &&
    a.state === b.state &&
    a.postalCode === b.postalCode &&
    a.country === b.country
  );
}

function isUnknownOrConflict(err: unknown): err is WebexApiError {
  return err instanceof WebexApiError && (err.outcomeUnknown || err.status === 409);
}

/** Exact-name lookup straight from Webex (used only after an unknown outcome or a conflict). */
async function findByName(env: StepEnv, name: string): Promise<Location | undefined> {
  const wanted = name.trim().toLowerCase();
  return (await env.port.locations.list({ name })).find((l) => l.name.trim().toLowerCase() === wanted);
}

/**
 * Creates the location; if the outcome is unknown (timeout, 5xx, dropped connection) or Webex
 * says the name exists, it looks the name up instead of replaying, and creates again only when
 * the first attempt provably did not happen.
 */
async function createLocation(env: StepEnv, want: LocationCreate, trail: StepTrail): Promise<Location> {
  for (let attempt = 1; ; attempt++) {
    try {
      const { id } = await env.port.locations.create(want);
      trail.mutated('location_create');
      return { id, name: want.name, timeZone: want.timeZone, preferredLanguage: want.preferredLanguage, address: want.address };
    } catch (err) {
      if (!isUnknownOrConflict(err) || attempt >= 2) throw err;
      const found = await findByName(env, want.name);
      if (found) {
        trail.mutated('location_create');
        return found;
      }
      if (!err.outcomeUnknown) throw err;
    }
  }
}

async function enableCalling(env: StepEnv, location: Location, want: LocationCreate, trail: StepTrail): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await env.port.callingLocations.enable({ id: location.id, ...want, name: location.name });
      break;
    } catch (err) {
      if (!isUnknownOrConflict(err) || attempt >= 2) throw err;
      const enabled = await env.port.callingLocations.get(location.id).then(
        () => true,
        (e: unknown) => (e instanceof WebexApiError && e.status === 404 ? false : Promise.reject(e)),
      );
      if (enabled) break;
      if (!err.outcomeUnknown) throw err;
    }
  }
  env.cache.markCalling(location.id);
  trail.mutated('location_enable_calling');
}

/** Phase 1: location_lookup → location_create | location_update → location_enable_calling. */
export async function processLocation(row: ExecRow, env: StepEnv, trail: StepTrail): Promise<SuccessOutcome> {
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
    await env.port.locations.update(location.id, update);
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
async function compensateCreate(env: StepEnv, location: Location, trail: StepTrail): Promise<void> {
  try {
    await env.port.locations.delete(location.id);
    env.cache.forgetLocation(location.name);
    trail.notes.push(`Compensation: the location created by this row (${location.id}) was deleted.`);
  } catch (err) {
    trail.notes.push(`Compensation failed: could not delete location ${location.id} (${err instanceof Error ? err.message : String(err)}).`);
  }
}
