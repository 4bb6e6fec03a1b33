import { describe, expect, it } from 'vitest';
import { execRowOf, field } from '../src/row.js';
import { user } from './fixtures.js';

// The proof is the typecheck (`tsc` over test/, run by `nx typecheck`): each `@ts-expect-error`
// line must fail to compile, or the typecheck fails on the unused directive.
describe("ExecRow columns are the ready file's", () => {
  it('a misspelt column does not compile', () => {
    const row = user('a@example.com', 'Madrid HQ');
    // @ts-expect-error 'emial' is not a column of ready_to_load.csv
    expect(field(row, 'emial')).toBeUndefined();
    // @ts-expect-error 'locaton_key' is not a column of ready_to_load.csv
    expect(row.fields.locaton_key).toBeUndefined();
    // @ts-expect-error nor can a test row set one
    user('b@example.com', 'Madrid HQ', { calling_setings_voicemail: 'true' });
    expect(field(row, 'email')).toBe('a@example.com');
    expect(field(row, 'extension')).toBeUndefined(); // '' reads as not set
  });

  it('execRowOf: a ready row as the executor sees it', () => {
    const { fields } = user('a@example.com', 'Madrid HQ');
    const row = execRowOf({ row_id: 7, ...fields, entity_type: 'user', entity_key: 'a@example.com' });
    expect(row).toMatchObject({ rowId: 7, entityType: 'user', entityKey: 'a@example.com' });
    expect(field(row, 'email')).toBe('a@example.com');
    expect(() => execRowOf({ row_id: 8, ...fields, entity_type: 'person' })).toThrow(/entity_type "person"/);
  });
});
