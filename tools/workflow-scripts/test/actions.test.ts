import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { annotation, appendSummary, formatOutput, setOutputs } from '../lib/actions.mjs';
import { parseOutputs, tempWorkspace } from './helpers.js';

let ws: ReturnType<typeof tempWorkspace>;
afterEach(() => ws?.cleanup());

describe('runner conventions', () => {
  it('writes single-line and multi-line outputs the runner can read back', () => {
    ws = tempWorkspace();
    setOutputs({ a: '1', b: 'two\nlines', c: '' }, ws.env, () => {
      throw new Error('should write the file');
    });
    expect(ws.outputs()).toEqual({ a: '1', b: 'two\nlines', c: '' });
    expect(formatOutput('x', 'y')).toBe('x=y\n');
    expect(formatOutput('x', 'y\nz')).toMatch(/^x<<ghadelimiter_[0-9a-f-]{36}\ny\nz\nghadelimiter_[0-9a-f-]{36}\n$/);
    expect(parseOutputs(formatOutput('m', 'p=q\n'))).toEqual({ m: 'p=q\n' });
  });

  it('appends to the job summary only when the runner gives one', () => {
    ws = tempWorkspace();
    appendSummary('# one', ws.env);
    appendSummary('two\n', ws.env);
    expect(readFileSync(ws.env.GITHUB_STEP_SUMMARY as string, 'utf8')).toBe('# one\ntwo\n');
    expect(() => appendSummary('x', {})).not.toThrow();
  });

  it('escapes annotations so data cannot end the command or add properties', () => {
    expect(annotation('error', '50% done\nnext::line', { title: 'a: b, c', file: '' })).toBe(
      '::error title=a%3A b%2C c::50%25 done%0Anext::line\n',
    );
    expect(annotation('notice', 'plain')).toBe('::notice::plain\n');
  });
});
