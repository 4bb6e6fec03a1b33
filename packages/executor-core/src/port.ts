import type { WebexClient } from '@wbp/webex-client';

/**
 * The small part of Webex the executor uses. `WebexClient` satisfies it as is; tests can hand in
 * anything shaped like it. Deliberately absent: creating people or changing their identity.
 */
export interface WebexPort {
  people: Pick<WebexClient['people'], 'findByEmail' | 'get' | 'update'>;
  licenses: Pick<WebexClient['licenses'], 'list' | 'assign'>;
  locations: Pick<WebexClient['locations'], 'list' | 'create' | 'update' | 'delete'>;
  callingLocations: Pick<WebexClient['callingLocations'], 'list' | 'get' | 'enable'>;
  numbers: Pick<WebexClient['numbers'], 'list'>;
  settings: Pick<WebexClient['settings'], 'get' | 'update'>;
}
