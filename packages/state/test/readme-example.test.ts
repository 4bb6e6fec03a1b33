import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { expect, it } from 'vitest';

const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '..');

it('the README example typechecks against the package', () => {
  const readme = readFileSync(join(pkg, 'README.md'), 'utf8');
  const example = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(example).toContain("from '@wbp/state'");
  const dir = mkdtempSync(join(tmpdir(), 'wbp-state-readme-'));
  try {
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
    const file = join(dir, 'example.ts');
    writeFileSync(file, example!);
    const program = ts.createProgram([file], {
      target: ts.ScriptTarget.ES2023,
      lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: ['node'],
      typeRoots: [resolve(pkg, '../../node_modules/@types')],
      baseUrl: pkg,
      paths: { '@wbp/state': [join(pkg, 'src/index.ts')], valibot: [resolve(pkg, '../../node_modules/valibot')] },
    });
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
