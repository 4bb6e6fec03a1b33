import { describe, expect, it } from 'vitest';
import { minifyRow } from '@wbp/files';

describe('minifyRow', () => {
  it('keeps non-empty values in column order as compact JSON', () => {
    const row = { email: 'ana@example.com', entity_type: 'user', extension: '', row_id: 7, calling_enabled: true, row_ref: '  ' };
    expect(minifyRow(row, ['row_id', 'entity_type', 'email', 'extension', 'calling_enabled', 'row_ref'])).toBe(
      '{"row_id":7,"entity_type":"user","email":"ana@example.com","calling_enabled":true}',
    );
  });
  it('defaults to the row key order and drops null/undefined', () => {
    expect(minifyRow({ b: '2', a: '1', c: null, d: undefined })).toBe('{"b":"2","a":"1"}');
  });
  it('ignores columns the row does not have', () => {
    expect(minifyRow({ a: 'x' }, ['z', 'a'])).toBe('{"a":"x"}');
  });
  it('escapes what JSON must escape', () => {
    expect(JSON.parse(minifyRow({ a: 'line1\nline2 "q"' }))).toEqual({ a: 'line1\nline2 "q"' });
  });
});
