import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const PACKAGES = join(ROOT, 'packages');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'generated' ? [] : sources(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** The @wbp packages each package's src/ imports, from the code itself. */
function importsByPackage(): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const pkg of readdirSync(PACKAGES)) {
    const src = join(PACKAGES, pkg, 'src');
    const deps = new Set<string>();
    for (const file of sources(src))
      for (const m of readFileSync(file, 'utf8').matchAll(/from '@wbp\/([a-z-]+)/g)) if (m[1] !== pkg) deps.add(m[1]!);
    out.set(pkg, deps);
  }
  return out;
}

/** The dependency diagram of docs/architecture.md: `name ── a, b` lines, and the runner on top of every line. */
function diagram(): Map<string, Set<string>> {
  const text = readFileSync(join(ROOT, 'docs', 'architecture.md'), 'utf8');
  const block = /## Packages[\s\S]*?```\n([\s\S]*?)```/.exec(text)![1]!;
  const out = new Map<string, Set<string>>([['runner', new Set()]]);
  for (const line of block.split('\n')) {
    const m = /^\s+[├└]─ ([a-z-]+)\s*(?:── ([a-z-, ]+?))?(?:\s{2,}|\s*\(|$)/.exec(line);
    if (!m) continue;
    out.get('runner')!.add(m[1]!);
    out.set(m[1]!, new Set(m[2] ? m[2].split(',').map((s) => s.trim()) : []));
  }
  return out;
}

describe('docs/architecture.md', () => {
  it('draws the package dependencies the code has, no more and no fewer', () => {
    const drawn = Object.fromEntries([...diagram()].map(([k, v]) => [k, [...v].sort()]));
    const real = Object.fromEntries([...importsByPackage()].map(([k, v]) => [k, [...v].sort()]));
    expect(drawn).toEqual(real);
  });
});
