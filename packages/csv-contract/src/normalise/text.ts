import { accept, quote, refuse, type Normalised } from './result.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: the range names all of ASCII, which starts at NUL
const NON_ASCII = /[^\x00-\x7f]/;
/**
 * What no single-line Webex value may hold (trimming already removed whitespace at the ends):
 * C0 and C1 controls; the line and paragraph separators U+2028/U+2029; and the invisible format
 * characters that make a value display differently from what is stored or compare unequal to its
 * look-alike: the bidi embeddings and overrides U+202A–U+202E, isolates U+2066–U+2069, marks
 * U+200E/U+200F and the Arabic letter mark U+061C, the zero-width space U+200B, and a byte-order
 * mark U+FEFF inside a value. The zero-width (non-)joiners U+200C/U+200D stay allowed: Persian and
 * Indic names need them to be spelt right.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: it finds control characters in order to refuse them
const CONTROL = /[\x00-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff]/;
const LINE_BREAK = /[\n\v\f\r\x85\u2028\u2029]/;
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const INVISIBLE = /[\u200b\ufeff]/;

/**
 * Every cell is NFC-normalised and trimmed (JS trim also removes NBSP and other Unicode spaces),
 * so `José` typed on a Mac and pasted from Windows compare equal and stray spaces never matter.
 */
export function cleanCell(raw: string): string {
  return (NON_ASCII.test(raw) ? raw.normalize('NFC') : raw).trim();
}

/**
 * Webex fields are single-line and shown as typed: an embedded newline, tab or invisible format
 * character is almost always a paste accident (or a spoof). Says which character and where, so it
 * can be found in a cell that looks fine; undefined when the value is clean.
 */
export function controlCharacterProblem(value: string): string | undefined {
  const at = value.search(CONTROL);
  if (at === -1) return undefined;
  const char = value.charAt(at);
  const code = codePoint(char);
  const position = `at character ${at + 1}`;
  if (LINE_BREAK.test(char)) return `contains a line break (${code}) ${position}; values must be on one line`;
  if (char === '\t') return `contains a tab (${code}) ${position}; values must be on one line`;
  if (BIDI.test(char)) {
    return `contains the invisible bidirectional-text control ${code} ${position}, which makes the value display differently from what is stored; delete it (retype the value if you cannot see it)`;
  }
  if (INVISIBLE.test(char))
    return `contains the invisible zero-width character ${code} ${position}; delete it (retype the value if you cannot see it)`;
  return `contains the control character ${code} ${position}; delete it`;
}

/** `U+202E`: how the contract names a character in messages. */
function codePoint(char: string): string {
  return `U+${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}

export function normaliseText(value: string, maxLength: number): Normalised {
  if (value.length > maxLength) return refuse('max_length', `is ${value.length} characters long, the limit is ${maxLength}`);
  return accept(value);
}

export { quote };
