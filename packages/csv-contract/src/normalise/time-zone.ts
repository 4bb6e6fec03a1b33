import { accept, quote, refuse, type Normalised } from './result.js';

const IANA_SHAPE = /^(?:[A-Za-z_]+(?:\/[A-Za-z0-9_+-]+)+|UTC)$/;
let spellings: Map<string, string> | undefined;

/**
 * An IANA time-zone name (Europe/Madrid, America/New_York) that this Node runtime knows. Letter
 * case is corrected to the official spelling (`europe/madrid` → `Europe/Madrid`); names are not
 * otherwise rewritten, so the result does not depend on the ICU version.
 */
export function normaliseTimeZone(value: string): Normalised {
  if (IANA_SHAPE.test(value) && isKnownZone(value)) {
    spellings ??= new Map([...Intl.supportedValuesOf('timeZone'), 'UTC'].map((zone) => [zone.toLowerCase(), zone]));
    return accept(spellings.get(value.toLowerCase()) ?? value);
  }
  return refuse('time_zone', `${quote(value)} is not an IANA time zone; use a name like Europe/Madrid or America/New_York`);
}

function isKnownZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
