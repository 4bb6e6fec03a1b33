import { accept, quote, refuse, type Normalised } from './result.js';

const NON_ASCII = /[^\x00-\x7f]/;
// C0 and C1 controls and the Unicode line/paragraph separators; trimming already removed them at the ends
const CONTROL = /[\x00-\x1f\x7f-\x9f\u2028\u2029]/;

/**
 * Every cell is NFC-normalised and trimmed (JS trim also removes NBSP and other Unicode spaces),
 * so `José` typed on a Mac and pasted from Windows compare equal and stray spaces never matter.
 */
export function cleanCell(raw: string): string {
  return (NON_ASCII.test(raw) ? raw.normalize('NFC') : raw).trim();
}

/** Webex fields are single-line: an embedded newline or tab is almost always a paste accident. */
export function hasControlCharacters(value: string): boolean {
  return CONTROL.test(value);
}

export function normaliseText(value: string, maxLength: number): Normalised {
  if (value.length > maxLength) return refuse('max_length', `is ${value.length} characters long, the limit is ${maxLength}`);
  return accept(value);
}

export { quote };
