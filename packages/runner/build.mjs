// `npm run build` (and `prepack`): dist/, the JavaScript the installed package runs. The workspace
// packages (@wbp/*) are not published, so esbuild bundles their sources in; every other import
// (pino, valibot, csv-parse, …) stays an import, and must be one of this package's `dependencies`
// at the version the workspace package that imports it declares, or the build fails — else the
// tarball would install without it.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
const pkg = readJson(join(here, 'package.json'));

/** `pino` of `pino/file`, `@scope/name` of `@scope/name/sub`. */
const packageName = (specifier) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

/** Third-party package → importing workspace package → the version it declares (from the resolve step). */
const wanted = new Map();

/** Bundles @wbp/* and relative imports; leaves every other bare import external and records it. */
const thirdPartyExternal = {
  name: 'third-party-external',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('@wbp/') || args.path.startsWith('node:')) return undefined;
      const name = packageName(args.path);
      const owner = readJson(join(ownerPackageDir(args.importer), 'package.json'));
      // Every importer is kept: two workspace packages declaring different versions is a conflict too.
      wanted.set(name, (wanted.get(name) ?? new Map()).set(owner.name, owner.dependencies?.[name]));
      return { path: args.path, external: true };
    });
  },
};

/** The folder of the package.json that owns `file` (a workspace package's source file). */
function ownerPackageDir(file) {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${file}`);
  }
}

rmSync(join(here, 'dist'), { recursive: true, force: true });
await build({
  absWorkingDir: here,
  entryPoints: { wbp: 'src/wbp.ts', index: 'src/index.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  // Workspace packages resolve to their TypeScript sources: no other package needs building first.
  conditions: ['@wbp/source'],
  plugins: [thirdPartyExternal],
  logLevel: 'warning',
});

const problems = [
  ...[...wanted].flatMap(([name, importers]) =>
    [...importers]
      .filter(([, version]) => pkg.dependencies?.[name] !== version)
      .map(
        ([by, version]) =>
          `${name} is imported by ${by} at ${version ?? '(undeclared)'}; the runner's dependencies say ${pkg.dependencies?.[name] ?? 'nothing'}`,
      ),
  ),
  ...Object.keys(pkg.dependencies ?? {})
    .filter((name) => name.startsWith('@wbp/'))
    .map((name) => `${name} is bundled and unpublished: list it in devDependencies, not dependencies`),
];
if (problems.length > 0) {
  console.error(`wbp build: the package would not install on its own:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
