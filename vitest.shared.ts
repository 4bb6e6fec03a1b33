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
      include: ['test/**/*.test.ts'],
      environment: 'node',
      // The 5 s default is too tight on a 2-core machine running two suites and the crash tests at once;
      // heavy tests still declare their own, longer timeout.
      testTimeout: 30_000,
      hookTimeout: 30_000,
      // `npm test` runs two packages at once on 2 cores: one worker each keeps a heavy suite from starving the other.
      ...(resultsDir ? { maxWorkers: 1 } : {}),
      ...(resultsDir ? { reporters: ['default', 'json'], outputFile: { json: `${resultsDir}/${basename(packageDir)}.json` } } : {}),
      ...overrides,
    },
  });
}
