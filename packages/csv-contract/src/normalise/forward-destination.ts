import { normalisePhoneNumber } from './phone.js';
import { accept, quote, refuse, type Normalised } from './result.js';

/** Call-forward-always destination: an internal extension (2–8 digits) or an E.164 number. */
export function normaliseForwardDestination(value: string): Normalised {
  if (/^\d{2,8}$/.test(value)) return accept(value);
  const phone = normalisePhoneNumber(value);
  if (phone.ok) return phone;
  return refuse('forward_destination', `${quote(value)} is neither an extension (2–8 digits) nor an E.164 number (+34910000001)`);
}
