import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { neutraliseCell } from '@wbp/files';

describe('neutraliseCell', () => {
  it.each([
    ['=HYPERLINK("http://evil","x")', `'=HYPERLINK("http://evil","x")`],
    ['+cmd|/C calc!A0', `'+cmd|/C calc!A0`],
    ['-2+3', `'-2+3`],
    ['@SUM(A1)', `'@SUM(A1)`],
    ['\t=1', `'\t=1`],
    ['\r=1', `'\r=1`],
    ['+34 910', `'+34 910`],
    ['-', `'-`],
  ])('prefixes %j', (input, expected) => {
    expect(neutraliseCell(input)).toBe(expected);
  });

  it.each(['-12', '+3.5', '-0.25', '.5', '+34910000001', '+12125550100', '42', '', 'ana.garcia@example.com', "'=already"])(
    'leaves %j alone',
    (input) => {
      expect(neutraliseCell(input)).toBe(input);
    },
  );

  it('never leaves a formula trigger first unless the cell is a number', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const out = neutraliseCell(s);
        const isNumber = /^[+-]?(?:\d+(?:\.\d+)?|\.\d+)$/.test(s);
        if (!isNumber) expect(out).not.toMatch(/^[=+\-@\t\r]/);
        // nothing is lost: the original is the output with at most one leading quote removed
        expect(out === s || out === `'${s}`).toBe(true);
      }),
    );
  });
});
