import { accept, quote, refuse, type Normalised } from './result.js';

const EXTENSION = /^\d{2,8}$/;
/** Emergency numbers: Webex refuses them as extensions (validateExtensions → INVALID). */
const RESERVED = new Set(['112', '911']);

export function normaliseExtension(value: string): Normalised {
  if (!EXTENSION.test(value)) return refuse('extension_format', `${quote(value)} is not an extension; use 2 to 8 digits`);
  if (RESERVED.has(value)) return refuse('extension_reserved', `${value} is an emergency number and cannot be an extension`);
  return accept(value);
}
