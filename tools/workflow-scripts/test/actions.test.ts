import { afterEach, describe, expect, it, vi } from 'vitest';
import { annotate, appendSummary, inGroup, setOutputs } from '../lib/actions.mjs';
import { captureStdout, parseOutputs, tempWorkspace } from './helpers.js';

let ws: ReturnType<typeof tempWorkspace>;
afterEach(() => ws?.cleanup());

describe('runner conventions (through @actions/core)', () => {
  it('writes single-line and multi-line outputs the runner can read back', () => {
    ws = tempWorkspace();
    setOutputs({ a: '1', b: 'two\nlines', c: '' });
    expect(ws.outputs()).toEqual({ a: '1', b: 'two\nlines', c: '' });
    expect(parseOutputs('m<<D\np=q\n\nD\n')).toEqual({ m: 'p=q\n' });
  });

  it('appends to the job summary only when the runner gives one', async () => {
    ws = tempWorkspace();
    await appendSummary('# one');
    await appendSummary('two\n');
    expect(ws.summary()).toBe('# one\ntwo\n');
    vi.stubEnv('GITHUB_STEP_SUMMARY', '');
    await expect(appendSummary('x')).resolves.toBeUndefined();
  });

  it('escapes annotations so data cannot end the command or add properties', async () => {
    const { stdout } = await captureStdout(() => {
      annotate('error', '50% done\nnext::line', { title: 'a: b, c' });
      annotate('notice', 'plain');
    });
    expect(stdout.split(/\r?\n/).filter(Boolean)).toEqual(['::error title=a%3A b%2C c::50%25 done%0Anext::line', '::notice::plain']);
  });

  it('groups the log lines of a step', async () => {
    const { stdout, result } = await captureStdout(() => inGroup('wbp plan x.csv', () => 42));
    expect(result).toBe(42);
    expect(stdout.split(/\r?\n/).filter(Boolean)).toEqual(['::group::wbp plan x.csv', '::endgroup::']);
  });
});
