import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_RECORD_BYTES, READY_COLUMNS, RULES, USER_SETTING_COLUMNS, validateCsvFile } from '@wbp/csv-contract';
import { tempDir, writeCsv } from './helpers.js';

// input_schema.md is normative; these checks keep its example and tables true to the code.
const doc = await readFile(join(import.meta.dirname, '..', '..', '..', 'input_schema.md'), 'utf8');

describe('input_schema.md', () => {
  it('its example CSV is valid and normalises as the text says', async () => {
    const example = /```csv\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
    const dir = await tempDir();
    const summary = await validateCsvFile(await writeCsv(dir, example), join(dir, 'out'));
    expect(summary).toMatchObject({ rows: 6, ready: 6, rejected: 0 });
    const ready = (await readFile(summary.readyPath, 'utf8')).split('\n');
    const quoted = [...doc.matchAll(/becomes\n?`([^`]+)`|assignment `([^`]+)`/g)].map((m) => m[1] ?? m[2] ?? '');
    expect(ready[3]).toBe(quoted[0]);
    expect(ready[5]?.startsWith((quoted[1] ?? '').split('…')[0] ?? '-')).toBe(true);
    expect(ready[5]?.endsWith((quoted[1] ?? '').split('…')[1] ?? '-')).toBe(true);
  });

  it('documents the ready_to_load.csv header and every rule', () => {
    expect(doc).toContain(`\`${READY_COLUMNS.join(',')}\``);
    // Table cells are padded by the formatter: compare rule and code, whatever the spacing.
    for (const [rule, code] of Object.entries(RULES)) expect(doc).toMatch(new RegExp(`\\| \`${rule}\` +\\| \`${code}\` +\\|`));
  });

  it('documents every calling-settings column in the user-row table', () => {
    const userTable = doc.slice(doc.indexOf('### 2.3'), doc.indexOf('### 2.4'));
    for (const column of USER_SETTING_COLUMNS) expect(userTable).toMatch(new RegExp(`^\\| \`${column}\` +\\|`, 'm'));
  });

  it('states the per-record size limit the parser enforces', () => {
    expect(doc).toContain(`${MAX_RECORD_BYTES / 1024} KiB`);
  });
});
