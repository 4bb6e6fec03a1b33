import { accept, quote, refuse, type Normalised } from './result.js';

const GENERIC = /^[A-Za-z0-9][A-Za-z0-9 -]{0,19}$/;

/**
 * Spanish and US postal codes are checked by shape because Excel silently turns `08001`
 * (Barcelona) or `02108` (Boston) into a 4-digit number; other countries only get a sanity check.
 */
export function normalisePostalCode(value: string, country: string | undefined): Normalised {
  if (country === 'ES' && !/^\d{5}$/.test(value)) {
    return refuse('postal_code', `${quote(value)} is not a Spanish postal code (5 digits)${hintLeadingZero(value, 5)}`);
  }
  if (country === 'US' && !/^\d{5}(?:-\d{4})?$/.test(value)) {
    return refuse('postal_code', `${quote(value)} is not a US ZIP code (12345 or 12345-6789)${hintLeadingZero(value, 5)}`);
  }
  if (!GENERIC.test(value)) return refuse('postal_code', `${quote(value)} is not a postal code`);
  return accept(value);
}

function hintLeadingZero(value: string, digits: number): string {
  return /^\d+$/.test(value) && value.length < digits ? '; a spreadsheet may have dropped a leading zero, format the column as Text' : '';
}
