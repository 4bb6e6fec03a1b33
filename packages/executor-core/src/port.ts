import type { WebexClient } from '@wbp/webex-client';

/**
 * What the executor reads from Webex: lists and GETs only. A plan (`wbp plan`) gets nothing but
 * this: its port has no mutating method at all, so it cannot send one.
 */
export interface ReadPort {
  people: Pick<WebexClient['people'], 'findByEmail' | 'get'>;
  licenses: Pick<WebexClient['licenses'], 'list'>;
  locations: Pick<WebexClient['locations'], 'list'>;
  callingLocations: Pick<WebexClient['callingLocations'], 'list' | 'get'>;
  numbers: Pick<WebexClient['numbers'], 'list'>;
  settings: Pick<WebexClient['settings'], 'get'>;
}

/** The mutations the executor may send, only ever through the apply point (steps/apply-point.ts). */
export interface WritePort {
  people: Pick<WebexClient['people'], 'update'>;
  licenses: Pick<WebexClient['licenses'], 'assign'>;
  locations: Pick<WebexClient['locations'], 'create' | 'update' | 'delete'>;
  callingLocations: Pick<WebexClient['callingLocations'], 'enable'>;
  settings: Pick<WebexClient['settings'], 'update'>;
}

/**
 * The small part of Webex the executor uses. `WebexClient` satisfies it as is; tests can hand in
 * anything shaped like it. Deliberately absent: creating people or changing their identity.
 */
export interface WebexPort {
  people: ReadPort['people'] & WritePort['people'];
  licenses: ReadPort['licenses'] & WritePort['licenses'];
  locations: ReadPort['locations'] & WritePort['locations'];
  callingLocations: ReadPort['callingLocations'] & WritePort['callingLocations'];
  numbers: ReadPort['numbers'];
  settings: ReadPort['settings'] & WritePort['settings'];
}

/**
 * Only the read methods of a client, copied into a new object: what a plan is given, so not even
 * a cast can reach a mutating method through it.
 */
export function readOnly(port: ReadPort): ReadPort {
  return {
    people: { findByEmail: port.people.findByEmail.bind(port.people), get: port.people.get.bind(port.people) },
    licenses: { list: port.licenses.list.bind(port.licenses) },
    locations: { list: port.locations.list.bind(port.locations) },
    callingLocations: {
      list: port.callingLocations.list.bind(port.callingLocations),
      get: port.callingLocations.get.bind(port.callingLocations),
    },
    numbers: { list: port.numbers.list.bind(port.numbers) },
    settings: { get: port.settings.get.bind(port.settings) },
  };
}
