import { accept, quote, refuse, type Normalised } from './result.js';

// RFC 5322 dot-atom local part (apostrophes are common: o'brien@), and a DNS domain with a TLD.
const EMAIL = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** E-mail addresses are the user's key in Webex, which compares them case-insensitively: lower-cased. */
export function normaliseEmail(value: string): Normalised {
  const v = value.toLowerCase();
  if (v.length <= 254 && EMAIL.test(v)) return accept(v);
  return refuse('email_format', `${quote(value)} is not an e-mail address`);
}
