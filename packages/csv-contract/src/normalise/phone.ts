import { accept, quote, refuse, type Normalised } from './result.js';

const SEPARATORS = /[\s.\-()]/g;
const E164 = /^\+[1-9]\d{7,14}$/;
const EXCEL_SCIENTIFIC = /^\d+(?:[.,]\d+)?e\+?\d+$/i;

/**
 * Phone numbers are stored as E.164. Spaces, dots, dashes and parentheses are removed and a
 * leading international `00` becomes `+`; what remains must be `+` and 8–15 digits. Numbers
 * without a country code are refused, not guessed: in a file mixing Spanish and US sites a
 * national number is ambiguous.
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
  if (E164.test(v)) return accept(v);
  if (/^[1-9]\d{7,14}$/.test(v)) {
    return refuse(
      'phone_e164',
      `${quote(value)} has no leading +; write it in E.164 with its country code (+34…, +1…), formatting the column as Text so Excel keeps the +`,
    );
  }
  return refuse('phone_e164', `${quote(value)} is not an E.164 number; write +<country code><number>, e.g. +34910000001 or +12125550100`);
}
