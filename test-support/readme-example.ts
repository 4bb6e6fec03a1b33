import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ts from 'typescript';

/**
 * Typechecks the first ```ts block of a package README against the package's sources, as a user
 * would import it (`import … from '<packageName>'`). Returns the diagnostics (empty = it compiles).
 */
export function readmeExampleDiagnostics(
  packageDir: string,
  packageName: string,
  extraPaths: Record<string, string[]> = {},
): { example: string; diagnostics: string[] } {
  const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
  const example = /```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  const dir = mkdtempSync(join(tmpdir(), 'wbp-readme-'));
  try {
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
    const file = join(dir, 'example.ts');
    writeFileSync(file, example);
    const program = ts.createProgram([file], {
      target: ts.ScriptTarget.ES2023,
      lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: ['node'],
      typeRoots: [resolve(packageDir, '../../node_modules/@types')],
      baseUrl: packageDir,
      paths: { [packageName]: [join(packageDir, 'src/index.ts')], ...extraPaths },
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    return { example, diagnostics };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
