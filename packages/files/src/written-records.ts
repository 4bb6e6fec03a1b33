/**
 * The second checked reader of this package (the first, `readCsvLines`, streams a file through
 * csv-parse): records of bytes held in memory that must be exactly what `formatCsvLine` writes,
 * parsed directly, much faster than a general CSV parser. `@wbp/csv-contract` reads
 * ready_to_load.csv this way; what a deviation is called is the caller's (`notWritten`).
 */
const QUOTE = 0x22;
const LF = 0x0a;
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * The records of bytes `formatCsvLine` wrote, with the line each starts on. A record without a
 * quote (nearly all) is one `split`; a quoted one is parsed cell by cell and must be quoted the
 * way `formatCsvLine` quotes (only cells holding `"`, `,`, CR or LF; inner quotes doubled).
 */
export function* writtenRecords(
  bytes: Buffer,
  notWritten: (line: number, detail: string) => Error,
): Generator<{ cells: string[]; line: number }> {
  let line = 1;
  let at = 0;
  let quote = bytes.indexOf(QUOTE); // the next quote at or after `at`, -1 for none (searched again only once passed)
  while (at < bytes.length) {
    let end = bytes.indexOf(LF, at);
    if (quote !== -1 && quote < at) quote = bytes.indexOf(QUOTE, at);
    if (quote === -1 || (end !== -1 && quote > end)) {
      if (end === -1) throw notWritten(line, 'the last record does not end with a newline (cut short?)');
      const text = bytes.toString('utf8', at, end);
      if (text.includes('\r')) throw notWritten(line, 'a line ends with CR LF (re-saved by Excel or an editor?)');
      yield { cells: text.split(','), line };
      line++;
      at = end + 1;
      continue;
    }
    // a quoted cell: the record ends at the first LF outside quotes (a doubled quote toggles twice)
    let inQuotes = false;
    for (end = at; end < bytes.length; end++) {
      const byte = bytes[end];
      if (byte === QUOTE) inQuotes = !inQuotes;
      else if (byte === LF && !inQuotes) break;
    }
    if (end === bytes.length)
      throw notWritten(line, inQuotes ? 'a quoted cell is never closed' : 'the last record does not end with a newline (cut short?)');
    const text = bytes.toString('utf8', at, end);
    const cells = quotedCells(text, (detail) => notWritten(line, detail));
    yield { cells, line };
    line += 1 + lineBreaks(text);
    at = end + 1;
  }
}

/** Line breaks inside a record's quoted cells, counted as `physicalRecords` counts them: each LF, and each CR not followed by an LF. */
function lineBreaks(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  for (let i = text.indexOf('\r'); i !== -1; i = text.indexOf('\r', i + 1)) if (text.charCodeAt(i + 1) !== LF) n++;
  return n;
}

/** The cells of one record (without its LF) holding at least one quoted cell. */
function quotedCells(text: string, fail: (detail: string) => Error): string[] {
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    let cell: string;
    if (text.charCodeAt(i) === QUOTE) {
      cell = '';
      let from = i + 1;
      for (;;) {
        const q = text.indexOf('"', from);
        if (q === -1) throw fail('a quoted cell is never closed');
        cell += text.slice(from, q);
        if (text.charCodeAt(q + 1) === QUOTE) {
          cell += '"';
          from = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      if (!NEEDS_QUOTES.test(cell)) throw fail('a cell is quoted that needs no quotes');
      if (i < text.length && text[i] !== ',') throw fail('a quoted cell is followed by text before the next comma');
    } else {
      const comma = text.indexOf(',', i);
      const stop = comma === -1 ? text.length : comma;
      cell = text.slice(i, stop);
      if (cell.includes('"') || cell.includes('\r')) throw fail('a cell holds a quote or CR without being quoted');
      i = stop;
    }
    cells.push(cell);
    if (i >= text.length) return cells;
    i++; // the comma
  }
}
