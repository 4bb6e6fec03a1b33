import { CsvFileError } from './errors.js';

const SAVE_AS_UTF8 = 'save it as "CSV UTF-8 (Comma delimited)"';
const NOT_UTF8 = `the file is not valid UTF-8 (saved as Windows-1252/Latin-1?); ${SAVE_AS_UTF8}`;

type WideEncoding = 'UTF-32 LE' | 'UTF-32 BE' | 'UTF-16 LE' | 'UTF-16 BE';

/** Byte-order marks, UTF-32 first: a UTF-32 LE mark starts with the UTF-16 LE one. */
const BOMS: ReadonlyArray<[WideEncoding, readonly number[]]> = [
  ['UTF-32 LE', [0xff, 0xfe, 0x00, 0x00]],
  ['UTF-32 BE', [0x00, 0x00, 0xfe, 0xff]],
  ['UTF-16 LE', [0xff, 0xfe]],
  ['UTF-16 BE', [0xfe, 0xff]],
];

/**
 * Which bytes of each 4-byte group are NUL when the text is mostly ASCII (a CSV header always is):
 * `x000` is UTF-32 LE, `x0x0` UTF-16 LE, and so on.
 */
const NUL_PATTERNS: ReadonlyArray<[WideEncoding, string]> = [
  ['UTF-32 LE', '.000'],
  ['UTF-32 BE', '000.'],
  ['UTF-16 LE', '.0.0'],
  ['UTF-16 BE', '0.0.'],
];
const SNIFF_BYTES = 1024;

/**
 * UTF-16 and UTF-32 are valid byte sequences to a UTF-8 decoder (ASCII plus NULs), so they are
 * recognised up front from the first chunk of the file: by their byte-order mark, or without one
 * by where the NUL bytes fall.
 */
export function assertNotWideEncoding(path: string, firstChunk: Buffer): void {
  const found = detectWideEncoding(firstChunk);
  if (found) {
    throw new CsvFileError(path, 'encoding', `the file is ${found.encoding} (${found.by}); wbp reads UTF-8 only: ${SAVE_AS_UTF8}`, 1);
  }
}

function detectWideEncoding(bytes: Buffer): { encoding: WideEncoding; by: string } | undefined {
  for (const [encoding, bom] of BOMS) {
    if (bom.every((byte, i) => bytes[i] === byte)) return { encoding, by: 'detected from its byte-order mark' };
  }
  const length = Math.min(bytes.length, SNIFF_BYTES) & ~3;
  if (length === 0 || !bytes.subarray(0, length).includes(0)) return undefined;
  const nuls = [0, 0, 0, 0];
  for (let i = 0; i < length; i++) if (bytes[i] === 0) nuls[i % 4] = (nuls[i % 4] ?? 0) + 1;
  const shape = nuls.map((n) => (n * 4 >= length / 2 ? '0' : '.')).join('');
  const match = NUL_PATTERNS.find(([, pattern]) => pattern === shape);
  return match ? { encoding: match[0], by: 'no byte-order mark, detected from the NUL bytes between its characters' } : undefined;
}

/**
 * Invalid UTF-8 (a file saved by Excel as plain "CSV" on Windows) would otherwise reach Webex as
 * U+FFFD in names and addresses. A strict decoder over the raw bytes says whether the file is
 * valid; the first cell holding U+FFFD after that says where (a genuine U+FFFD in a valid file is
 * left alone).
 */
export class Utf8Check {
  readonly #decoder = new TextDecoder('utf-8', { fatal: true });
  #invalid = false;
  readonly #path: string;

  constructor(path: string) {
    this.#path = path;
  }

  check(chunk: Buffer): void {
    if (this.#invalid) return;
    try {
      this.#decoder.decode(chunk, { stream: true });
    } catch {
      this.#invalid = true;
    }
  }

  assertCells(cells: readonly string[], line: number): void {
    if (this.#invalid && cells.some((cell) => cell.includes('\uFFFD'))) {
      throw new CsvFileError(this.#path, 'encoding', NOT_UTF8, line);
    }
  }

  end(lastLine: number): void {
    try {
      this.#decoder.decode();
    } catch {
      this.#invalid = true;
    }
    if (this.#invalid) throw new CsvFileError(this.#path, 'encoding', NOT_UTF8, lastLine);
  }
}
