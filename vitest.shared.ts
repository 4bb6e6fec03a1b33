import { basename } from 'node:path';
import { defineConfig, type ViteUserConfig } from 'vitest/config';

/**
 * The vitest settings every package shares: sources resolved through the `@wbp/source` export
 * condition (no build needed to test), and a JSON report per package when the root test runner
 * asks for one (WBP_TEST_RESULTS), so it can print one `N passed, N failed` line.
 */
export function packageVitestConfig(packageDir: string, overrides: ViteUserConfig['test'] = {}): ViteUserConfig {
  const resultsDir = process.env.WBP_TEST_RESULTS;
  return defineConfig({
    resolve: { conditions: ['@wbp/source'] },
    ssr: { resolve: { conditions: ['@wbp/source'] } },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      environment: 'node',
      ...(resultsDir
        ? { reporters: ['default', 'json'], outputFile: { json: `${resultsDir}/${basename(packageDir)}.json` } }
        : {}),
      ...overrides,
    },
  });
}
