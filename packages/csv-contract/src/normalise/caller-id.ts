import { accept, quote, refuse, type Normalised } from './result.js';

/** `direct_line` / `location_number` (any case, `-` or space for `_`) → the Webex enum value. */
export function normaliseCallerId(value: string): Normalised {
  const v = value.toUpperCase().replace(/[\s-]+/g, '_');
  if (v === 'DIRECT_LINE' || v === 'LOCATION_NUMBER') return accept(v);
  return refuse('caller_id', `${quote(value)} is not a caller id choice; use direct_line or location_number`);
}
