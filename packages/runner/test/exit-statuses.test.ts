import { readFileSync } from 'node:fs';
import { parseDurationMs, parseDurationSeconds } from '@wbp/runner/duration';
import { RUN_EXIT, RUN_EXIT_STATUSES } from '@wbp/runner/exit-statuses';
import { describe, expect, it } from 'vitest';
import { markdownTableAfter } from '../../../test-support/markdown-table.js';
import { EXIT_MEANING, RESUMABLE, RUN_EXIT as RUNNER_EXIT } from '../src/run/exit-status.js';

// The workflow scripts are plain JavaScript outside this package: loaded by URL, as node loads them.
const workflowScripts = new URL('../../../tools/workflow-scripts/lib/exit-status.mjs', import.meta.url).href;
const { RUN_EXIT_STATUSES: WORKFLOW_TABLE } = (await import(workflowScripts)) as { RUN_EXIT_STATUSES: unknown };

const doc = (name: string) => readFileSync(new URL(`../../../docs/${name}`, import.meta.url), 'utf8');

function tableAfter(text: string, heading: string): string[][] {
  const rows = markdownTableAfter(text, heading);
  expect(rows, `${heading} in the docs`).toBeDefined();
  return rows ?? [];
}

const plain = (cell: string) => cell.replaceAll('`', '');

describe('the one exit-status table', () => {
  it('is what the runner and the workflow scripts both use', () => {
    expect(WORKFLOW_TABLE).toBe(RUN_EXIT_STATUSES);
    expect(RUNNER_EXIT).toBe(RUN_EXIT);
    const codes = Object.values(RUN_EXIT).sort((a, b) => a - b);
    expect(Object.keys(RUN_EXIT_STATUSES).map(Number)).toEqual(codes);
    for (const code of codes) {
      expect(EXIT_MEANING[code]).toBe(RUN_EXIT_STATUSES[code].meaning);
      expect(RESUMABLE.has(code)).toBe(RUN_EXIT_STATUSES[code].resumable);
    }
    expect([...RESUMABLE].sort()).toEqual([30, 40, 41]);
  });

  it('is quoted word for word in docs/configuration.md', () => {
    const rows = tableAfter(doc('configuration.md'), '### `wbp run` exit statuses');
    expect(rows.map((r) => Number(r[0]))).toEqual(Object.values(RUN_EXIT).sort((a, b) => a - b));
    const job = { success: 'green', warning: 'green with a warning', failure: 'red' };
    for (const [code, meaning, resumable, provisionJob] of rows) {
      const s = RUN_EXIT_STATUSES[Number(code) as keyof typeof RUN_EXIT_STATUSES];
      expect(plain(meaning ?? ''), `status ${code}`).toBe(s.meaning);
      expect(resumable?.startsWith('yes'), `status ${code} resumable`).toBe(s.resumable);
      expect(provisionJob?.split(';')[0], `status ${code} provision job`).toBe(job[s.conclusion]);
    }
  });

  it('is quoted word for word in the operator guide', () => {
    const rows = tableAfter(doc('operator-guide.md'), '### Exit statuses: what to do').filter((r) => r[0] !== 'none');
    expect(rows.map((r) => Number(r[0]))).toEqual(Object.values(RUN_EXIT).sort((a, b) => a - b));
    for (const [code, meaning] of rows) {
      expect(plain(meaning ?? ''), `status ${code}`).toBe(RUN_EXIT_STATUSES[Number(code) as keyof typeof RUN_EXIT_STATUSES].meaning);
    }
  });
});

describe('the one duration parser', () => {
  it('reads hours, minutes, seconds and plain seconds', () => {
    expect(parseDurationSeconds('5h15m')).toBe(18_900);
    expect(parseDurationSeconds(' 1h0m30s ')).toBe(3_630);
    expect(parseDurationSeconds('90m')).toBe(5_400);
    expect(parseDurationSeconds('45s')).toBe(45);
    expect(parseDurationSeconds('120')).toBe(120);
    expect(parseDurationSeconds('0')).toBe(0);
    expect(parseDurationMs('2m')).toBe(120_000);
  });

  it('refuses what it cannot read', () => {
    for (const text of ['', '  ', '5 hours', '1d', '15m1h', '-5s', '1.5h', 'PT5M', 'h'])
      expect(parseDurationSeconds(text), JSON.stringify(text)).toBeUndefined();
    expect(parseDurationMs('soon')).toBeUndefined();
  });
});
