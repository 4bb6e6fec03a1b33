import { resolve } from 'node:path';
import { expect, it } from 'vitest';
import { readmeExampleDiagnostics } from '../../../test-support/readme-example.js';

const pkg = resolve(import.meta.dirname, '..');

it('the README example typechecks against the package', () => {
  const { example, diagnostics } = readmeExampleDiagnostics(pkg, '@wbp/state', {
    valibot: [resolve(pkg, '../../node_modules/valibot')],
    '@wbp/files': [resolve(pkg, '../files/src/index.ts')],
  });
  expect(example).toContain("from '@wbp/state'");
  expect(diagnostics).toEqual([]);
}, 60_000); // a whole-program typecheck (the generated specs are large)
