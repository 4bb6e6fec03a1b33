import { parsePhoneNumberFromString, validatePhoneNumberLength } from 'libphonenumber-js/max';
import { accept, quote, refuse, type Normalised } from './result.js';

const SEPARATORS = /[\s.\-()]/g;
const E164_SHAPE = /^\+[1-9]\d{7,14}$/;
const EXCEL_SCIENTIFIC = /^\d+(?:[.,]\d+)?e\+?\d+$/i;
const REGION_NAMES = new Intl.DisplayNames(['en'], { type: 'region' });

/**
 * Phone numbers are stored as E.164. Spaces, dots, dashes and parentheses are removed and a
 * leading international `00` becomes `+`; what remains must be `+` and 8–15 digits, and a number
 * that exists in its country's numbering plan (length and number ranges, from libphonenumber's
 * metadata: a 7-digit Spanish number is refused). Numbers without a country code are refused, not
 * guessed: in a file mixing Spanish and US sites a national number is ambiguous.
 */
export function normalisePhoneNumber(value: string): Normalised {
  if (EXCEL_SCIENTIFIC.test(value)) {
    return refuse(
      'phone_e164',
      `${quote(value)} looks like a number Excel converted to scientific notation; format the column as Text and write it as +<country code><number>`,
    );
  }
  let v = value.replace(SEPARATORS, '');
  if (v.startsWith('00')) v = `+${v.slice(2)}`;
  if (/^[1-9]\d{7,14}$/.test(v)) {
    return refuse(
      'phone_e164',
      `${quote(value)} has no leading +; write it in E.164 with its country code (+34…, +1…), formatting the column as Text so Excel keeps the +`,
    );
  }
  if (!E164_SHAPE.test(v)) {
    return refuse('phone_e164', `${quote(value)} is not an E.164 number; write +<country code><number>, e.g. +34910000001 or +12125550100`);
  }
  const phone = parsePhoneNumberFromString(v);
  if (phone?.isValid()) return accept(phone.number);
  return refuse('phone_e164', whyInvalid(value, v));
}

/** Why an E.164-shaped number is not a number of its country: its length, its country code, or its range. */
function whyInvalid(value: string, e164: string): string {
  const phone = parsePhoneNumberFromString(e164);
  if (phone === undefined) return `${quote(value)} does not start with a country calling code in use`;
  const plan = phone.country
    ? `${REGION_NAMES.of(phone.country) ?? phone.country} (+${phone.countryCallingCode})`
    : `the +${phone.countryCallingCode} numbering plan`;
  const digits = `${phone.nationalNumber.length} digits after +${phone.countryCallingCode}`;
  switch (validatePhoneNumberLength(e164)) {
    case 'INVALID_COUNTRY':
      return `${quote(value)} does not start with a country calling code in use`;
    case 'TOO_SHORT':
      return `${quote(value)} is too short for a number in ${plan}: ${digits}; check for a missing digit`;
    case 'TOO_LONG':
      return `${quote(value)} is too long for a number in ${plan}: ${digits}; check for an extra digit`;
    case 'INVALID_LENGTH':
      return `${quote(value)} has a length no number in ${plan} has: ${digits}`;
    default:
      return `${quote(value)} is not a valid number in ${plan}: no number range there starts like this`;
  }
}

/**
 * The national number of an E.164 number (country code off, by the country's own code length), or
 * undefined when it does not parse: what another system may show for the same line.
 */
export function nationalNumberOf(e164: string): string | undefined {
  return parsePhoneNumberFromString(e164)?.nationalNumber;
}
