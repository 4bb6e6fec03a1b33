import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PENDING_REASON_CODES } from '../src/index.js';
import { WEBEX_ERROR_CODES } from '../src/webex-error-codes.js';
import { markdownTableAfter } from '../../../test-support/markdown-table.js';

const guide = readFileSync(resolve(dirname(fileURLToPath(import.meta.url)), '../../../docs/operator-guide.md'), 'utf8');

/** The first cells of the Markdown table that follows `heading`. */
function tableAfter(heading: string): string[][] {
  const table = markdownTableAfter(guide, heading);
  expect(table, `${heading} is in docs/operator-guide.md`).toBeDefined();
  return table ?? [];
}

describe('docs/operator-guide.md says what the code does', () => {
  it('lists exactly the pending reason codes the executor can give', () => {
    const documented = tableAfter('### Pending (fix the cause').map((r) => r[0]!.replace(/`/g, ''));
    expect([...documented].sort()).toEqual([...PENDING_REASON_CODES].sort());
  });

  it('lists exactly the Webex error codes wbp explains, with the same meaning and operations', () => {
    const documented = tableAfter('### Webex error codes wbp explains').map(([code, meaning, operations]) => ({
      code: Number(code),
      meaning,
      operations: operations!.split(', '),
    }));
    expect(documented).toEqual(WEBEX_ERROR_CODES.map(({ code, meaning, operations }) => ({ code, meaning, operations: [...operations] })));
  });

  it('every code has a source: a developer.webex.com page or an official spec operation', () => {
    for (const c of WEBEX_ERROR_CODES) expect(c.source).toMatch(/^https:\/\/developer\.webex\.com\/|^webex-[a-z-]+\.json, "/);
  });
});
