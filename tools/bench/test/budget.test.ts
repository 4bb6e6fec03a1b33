import { expect, it } from 'vitest';
import { CANONICAL_COLUMNS, type ReadyRow } from '@wbp/csv-contract';
import { requiredRequests, STARTUP_REQUESTS } from '../src/budget.js';

let id = 0;
function row(values: Partial<Record<(typeof CANONICAL_COLUMNS)[number], string>>): ReadyRow {
  const blank = Object.fromEntries(CANONICAL_COLUMNS.map((c) => [c, ''])) as Record<(typeof CANONICAL_COLUMNS)[number], string>;
  return { ...blank, ...values, row_id: ++id } as ReadyRow;
}

it('applies the documented per-row budget', () => {
  const rows = [
    row({ entity_type: 'location', location_key: 'mad', location_name: 'Madrid' }),
    // enabled in phase 2 with two settings → lookup + licence + 2 PUTs; its assignment costs only the caller ID
    row({
      entity_type: 'user',
      email: 'a@x.com',
      location_key: 'mad',
      calling_enabled: 'true',
      calling_settings_call_waiting: 'true',
      calling_settings_do_not_disturb: 'false',
    }),
    row({
      entity_type: 'extension_assignment',
      email: 'a@x.com',
      location_key: 'mad',
      extension: '1001',
      caller_id_selected: 'DIRECT_LINE',
    }),
    // not in the directory → one lookup per row
    row({ entity_type: 'user', email: 'ghost@x.com', location_key: 'mad', calling_enabled: 'true' }),
    row({ entity_type: 'extension_assignment', email: 'ghost@x.com', location_key: 'mad', extension: '1002' }),
    // extension already taken → found from the site's lines (listed once, by a's row): lookup only, in both phases
    row({ entity_type: 'user', email: 'b@x.com', location_key: 'mad', calling_enabled: 'true' }),
    row({ entity_type: 'extension_assignment', email: 'b@x.com', location_key: 'mad', extension: '1999' }),
  ];
  const budget = requiredRequests(rows, { directory: new Set(['a@x.com', 'b@x.com']), takenExtensions: new Set(['madrid|1999']) });
  expect(budget.byPhase).toEqual({ 1: 2, 2: 5 + 1 + 1, 3: 1 + 1 + 1 });
  expect(budget.total).toBe(STARTUP_REQUESTS + 2 + 7 + 3);
});
