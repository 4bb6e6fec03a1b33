import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// What docs/operator-guide.md §11 promises of the workflow files, checked on their text (actionlint
// checks the syntax; these are the project's own rules).
const dir = join(import.meta.dirname, '..', '..', '..', '.github', 'workflows');
const workflows = Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
const code = (text: string) =>
  text
    .split('\n')
    .filter((l) => !l.trimStart().startsWith('#'))
    .join('\n');

describe('the workflow files', () => {
  it('start wbp with node, never through npx', () => {
    for (const [file, text] of Object.entries(workflows)) expect(code(text), file).not.toMatch(/npx[^\n]*\bwbp\b/);
    expect(workflows['provision.yml']).toContain('node packages/runner/bin/wbp.mjs run');
    expect(workflows['validate.yml']).toContain('node packages/runner/bin/wbp.mjs validate');
  });

  it('install without lifecycle scripts wherever a job can hold a token', () => {
    for (const file of ['provision.yml', 'validate.yml']) {
      const installs = code(workflows[file] ?? '').match(/npm (?:ci|install)[^\n]*/g) ?? [];
      expect(installs.length, file).toBeGreaterThan(0);
      for (const line of installs) expect(line, file).toContain('--ignore-scripts');
    }
  });

  it('upload the checkpoint under this attempt’s name, never overwriting, and resume from the picked artifact', () => {
    const provision = code(workflows['provision.yml'] ?? '');
    const upload = provision.slice(provision.indexOf('- name: Upload results'), provision.indexOf('- name: Outcome'));
    expect(upload).toContain('name: ${{ steps.pick.outputs.artifact }}');
    expect(upload).not.toMatch(/overwrite: true/);
    expect(upload).toContain('/chain.json');
    expect(provision).toMatch(
      /name: \$\{\{ steps\.pick\.outputs\.resume_artifact \}\}\n\s+path: \$\{\{ env\.OUTPUT_DIR \}\}\n\s+run-id: \$\{\{ steps\.pick\.outputs\.resume_run_id \}\}/,
    );
  });

  it('check the approver after the checkpoint is downloaded and before wbp runs', () => {
    const provision = code(workflows['provision.yml'] ?? '');
    const order = ['- name: Pick the checkpoint', '- name: Download the checkpoint', '- name: Check the approver', '- name: Provision'].map(
      (s) => provision.indexOf(s),
    );
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('have no workflow-level concurrency group in provision.yml (a dispatch would cancel a waiting run)', () => {
    expect(code(workflows['provision.yml'] ?? '')).not.toMatch(/^concurrency:/m);
  });
});
