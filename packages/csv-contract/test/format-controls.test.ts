import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateCsvFile, validateRecord } from '@wbp/csv-contract';
import { csvText, location, tempDir, user, writeCsv } from './helpers.js';

const hex = (code: number) => `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;

// bidi embeddings/overrides, isolates, marks, the Arabic letter mark; zero-width space; a BOM inside a value
const INVISIBLE = [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x200e, 0x200f, 0x061c, 0x200b, 0xfeff];

describe('bidi and invisible format characters (control_characters)', () => {
  it.each(INVISIBLE.map((code) => [hex(code), code]))(
    'rejects %s inside a key, a name or any text cell, naming the code point',
    (name, code) => {
      const c = String.fromCodePoint(code);
      for (const [record, column] of [
        [user({ location_key: `ES-${c}MAD-01` }), 'location_key'],
        [user({ email: `ana${c}@example.com` }), 'email'],
        [user({ entity_key: `ana${c}@example.com` }), 'entity_key'],
        [user({ row_ref: `ticket ${c}42` }), 'row_ref'],
        [location({ location_name: `Madrid ${c}HQ` }), 'location_name'],
        [location({ location_external_id: `ES${c}-MAD-01` }), 'location_external_id'],
        [location({ address_line1: `Calle ${c}Mayor 1` }), 'address_line1'],
      ] as const) {
        const verdict = validateRecord(record);
        expect(verdict.ok, `${name} in ${column}`).toBe(false);
        if (verdict.ok) continue;
        const issue = verdict.issues.find((i) => i.column === column);
        expect(issue?.rule, `${name} in ${column}`).toBe('control_characters');
        expect(issue?.message).toContain(name);
      }
    },
  );

  it('rejects a zero-width space even at the edge of a cell (trimming does not remove it)', () => {
    const verdict = validateRecord(user({ email: '\u200bana@example.com' }));
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.issues[0]).toMatchObject({ rule: 'control_characters', column: 'email' });
  });

  it('names row, line, column, code point and rule in the file outputs', async () => {
    const dir = await tempDir();
    const input = await writeCsv(
      dir,
      csvText([location(), user({ location_key: 'ES-MAD-01\u202e10-' }), user({ email: 'b@example.com', location_key: 'ES-MAD-01\tX' })]),
    );
    const summary = await validateCsvFile(input, join(dir, 'out'));
    expect(summary.rejectedRows.map((r) => [r.rowId, r.line, r.column, r.rule, r.message])).toEqual([
      [
        2,
        3,
        'location_key',
        'control_characters',
        'location_key: contains the invisible bidirectional-text control U+202E at character 10, which makes the value display differently from what is stored; delete it (retype the value if you cannot see it) [control_characters]',
      ],
      [
        3,
        4,
        'location_key',
        'control_characters',
        'location_key: contains a tab (U+0009) at character 10; values must be on one line [control_characters]',
      ],
    ]);
  });

  it('still accepts ordinary non-ASCII text, and the joiners Persian and Indic names need', () => {
    expect(validateRecord(location({ location_name: 'Sede Logroño – Çağlar «Ōsaka» 東京' })).ok).toBe(true);
    expect(validateRecord(location({ location_name: 'دفتر می\u200cخواهم' })).ok).toBe(true);
    expect(validateRecord(location({ location_name: 'क्\u200dष कार्यालय' })).ok).toBe(true);
  });
});
