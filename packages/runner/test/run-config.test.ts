import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_EXECUTOR_CONFIG } from '@wbp/executor-core';
import { CLIENT_DEFAULTS } from '@wbp/webex-client';
import { describe, expect, it } from 'vitest';
import { RUN_ENV_VARIABLES, RunConfigError, toRunConfig, type RunConfig } from '../src/run/run-config.js';

const REQUIRED = { ENVIRONMENT: 'lab', WEBEX_TOKEN: 'token-for-tests-0123456789' };

/** The problems toRunConfig reports for this environment (fails the test when it accepts it). */
function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    toRunConfig({ ...REQUIRED, ...env });
  } catch (err) {
    if (err instanceof RunConfigError) return err.problems;
    throw err;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}

interface Case {
  variable: string;
  /** Where the variable lands in the configuration. */
  read: (c: RunConfig) => unknown;
  /** What an unset variable gives: the owning package's exported default. */
  fallback: unknown;
  valid: [string, unknown];
  invalid: string[];
}

const CASES: Case[] = [
  { variable: 'ENVIRONMENT', read: (c) => c.env.ENVIRONMENT, fallback: 'lab', valid: ['prod', 'prod'], invalid: ['staging'] },
  {
    variable: 'WEBEX_TOKEN',
    read: (c) => c.client.auth.token,
    fallback: REQUIRED.WEBEX_TOKEN,
    valid: [' abc.def ', 'abc.def'],
    invalid: ['two words', 'tok\nen', 'tökén'],
  },
  {
    variable: 'WEBEX_BASE_URL',
    read: (c) => c.client.baseUrl,
    fallback: CLIENT_DEFAULTS.baseUrl,
    valid: ['http://127.0.0.1:9/v1', 'http://127.0.0.1:9/v1'],
    invalid: ['not a url', 'ftp://x/v1', 'https://u:p@x/v1', 'https://x/v1?a=1', 'https://x/v1#f'],
  },
  { variable: 'OUTPUT_DIR', read: (c) => c.env.OUTPUT_DIR, fallback: undefined, valid: ['wbp-out', 'wbp-out'], invalid: [' '] },
  {
    variable: 'BATCH_SIZE',
    read: (c) => c.executor.batchSize,
    fallback: DEFAULT_EXECUTOR_CONFIG.batchSize,
    valid: ['20', 20],
    invalid: ['0', '5001', '1.5', 'ten'],
  },
  {
    variable: 'MAX_ROWS',
    read: (c) => c.executor.maxRows,
    fallback: DEFAULT_EXECUTOR_CONFIG.maxRows,
    valid: ['100', 100],
    invalid: ['0', '1000001', 'x'],
  },
  {
    variable: 'MAX_BATCHES',
    read: (c) => c.executor.maxBatches,
    fallback: DEFAULT_EXECUTOR_CONFIG.maxBatches,
    valid: ['3', 3],
    invalid: ['0', '100001'],
  },
  {
    variable: 'MAX_RETRIES',
    read: (c) => c.client.retry.retries,
    fallback: CLIENT_DEFAULTS.retry.retries,
    valid: ['0', 0],
    invalid: ['11', '-1'],
  },
  {
    variable: 'REQUEST_TIMEOUT_SECONDS',
    read: (c) => c.client.timeout.requestMs,
    fallback: CLIENT_DEFAULTS.timeout.requestMs,
    valid: ['7', 7_000],
    invalid: ['0', '301'],
  },
  {
    variable: 'CONNECT_TIMEOUT_SECONDS',
    read: (c) => c.client.timeout.connectMs,
    fallback: CLIENT_DEFAULTS.timeout.connectMs,
    valid: ['2', 2_000],
    invalid: ['0', '61'],
  },
  {
    variable: 'CIRCUIT_BREAKER_THRESHOLD',
    read: (c) => c.executor.circuitBreakerThreshold,
    fallback: DEFAULT_EXECUTOR_CONFIG.circuitBreakerThreshold,
    valid: ['0.5', 0.5],
    invalid: ['0', '1.5', 'half'],
  },
  {
    variable: 'ENABLE_SAFE_COMPENSATION',
    read: (c) => c.executor.enableSafeCompensation,
    fallback: DEFAULT_EXECUTOR_CONFIG.enableSafeCompensation,
    valid: ['YES', true],
    invalid: ['maybe'],
  },
  {
    variable: 'PIPELINE_VERSION',
    read: (c) => c.executor.pipelineVersion,
    fallback: DEFAULT_EXECUTOR_CONFIG.pipelineVersion,
    valid: ['2', 2],
    invalid: ['0', '1001'],
  },
  {
    variable: 'CONCURRENCY',
    read: (c) => [c.client.throttle.startConcurrency, c.executor.concurrency],
    fallback: [CLIENT_DEFAULTS.throttle.startConcurrency, DEFAULT_EXECUTOR_CONFIG.concurrency],
    valid: ['4', [4, 4]],
    invalid: ['0', '257'],
  },
  {
    variable: 'CONCURRENCY_MAX',
    read: (c) => c.client.throttle.maxConcurrency,
    fallback: CLIENT_DEFAULTS.throttle.maxConcurrency,
    valid: ['64', 64],
    invalid: ['0', '257'],
  },
  { variable: 'LOG_LEVEL', read: (c) => c.env.LOG_LEVEL, fallback: 'info', valid: ['debug', 'debug'], invalid: ['verbose'] },
  { variable: 'TIME_BUDGET', read: (c) => c.env.TIME_BUDGET, fallback: undefined, valid: ['5h30m', '5h30m'], invalid: ['soon', '0', '0m'] },
  {
    variable: 'UNKNOWN_OUTCOME_SETTLE_SECONDS',
    read: (c) => c.executor.settle.windowMs,
    fallback: DEFAULT_EXECUTOR_CONFIG.settle.windowMs,
    valid: ['2.5', 2_500],
    invalid: ['601', '-1', 'a minute'],
  },
  { variable: 'OUTPUT_MODE', read: (c) => c.env.OUTPUT_MODE, fallback: 'private', valid: ['shared', 'shared'], invalid: ['public'] },
  {
    variable: 'WEBEX_CALLING_LICENSE_ID',
    read: (c) => c.executor.callingLicenceId,
    fallback: undefined,
    valid: ['lic-1', 'lic-1'],
    invalid: ['   '],
  },
];

describe('toRunConfig', () => {
  it('has a case for every variable but the three service-app ones (tested together below)', () => {
    expect([...CASES.map((c) => c.variable), 'WEBEX_REFRESH_TOKEN', 'WEBEX_CLIENT_ID', 'WEBEX_CLIENT_SECRET'].sort()).toEqual(
      [...RUN_ENV_VARIABLES].sort(),
    );
  });

  describe.each(CASES)('$variable', ({ variable, read, fallback, valid, invalid }) => {
    it('falls back to the exported default when unset or empty', () => {
      const required = variable in REQUIRED;
      if (!required) {
        expect(read(toRunConfig(REQUIRED))).toEqual(fallback);
        expect(read(toRunConfig({ ...REQUIRED, [variable]: '' }))).toEqual(fallback);
      } else {
        expect(problemsOf({ [variable]: '' }).join('\n')).toContain(variable);
      }
    });
    it('takes a valid value', () => {
      expect(read(toRunConfig({ ...REQUIRED, [variable]: valid[0] }))).toEqual(valid[1]);
    });
    it.each(invalid)('refuses %j with a message naming the variable, never the value', (bad) => {
      const problems = problemsOf({ [variable]: bad });
      expect(problems.length).toBeGreaterThan(0);
      for (const p of problems) expect(p).toMatch(new RegExp(`^${variable}: .*${variable}`));
      if (variable === 'WEBEX_TOKEN') expect(problems.join('\n')).not.toContain(bad.trim());
    });
  });

  it('takes the three service-app variables together, and refuses one without the others', () => {
    const app = { WEBEX_REFRESH_TOKEN: 'refresh-0123456789', WEBEX_CLIENT_ID: 'client-id', WEBEX_CLIENT_SECRET: 'client-secret-0123' };
    expect(toRunConfig(REQUIRED).serviceApp).toBeUndefined();
    expect(toRunConfig({ ...REQUIRED, ...app }).serviceApp).toEqual({
      refreshToken: app.WEBEX_REFRESH_TOKEN,
      clientId: app.WEBEX_CLIENT_ID,
      clientSecret: app.WEBEX_CLIENT_SECRET,
    });
    for (const alone of Object.keys(app) as (keyof typeof app)[]) {
      const problems = problemsOf({ [alone]: app[alone] });
      expect(problems.join('\n')).toMatch(/WEBEX_REFRESH_TOKEN, WEBEX_CLIENT_ID and WEBEX_CLIENT_SECRET go together/);
      expect(problems.join('\n')).not.toContain(app[alone]);
    }
  });

  it('refuses CONCURRENCY above CONCURRENCY_MAX, naming both', () => {
    expect(problemsOf({ CONCURRENCY: '40' })).toEqual([
      `CONCURRENCY (40) must not exceed CONCURRENCY_MAX (${CLIENT_DEFAULTS.throttle.maxConcurrency})`,
    ]);
  });

  it('reports every bad variable at once', () => {
    const problems = problemsOf({ ENVIRONMENT: 'qa', BATCH_SIZE: '0', LOG_LEVEL: 'loud' });
    expect(problems.map((p) => p.split(':')[0])).toEqual(['ENVIRONMENT', 'BATCH_SIZE', 'LOG_LEVEL']);
  });

  it('leaves the executor defaults it has no variable for, and no deadline (the run sets it)', () => {
    const { executor } = toRunConfig(REQUIRED);
    expect(executor).toEqual({ ...DEFAULT_EXECUTOR_CONFIG, callingLicenceId: undefined });
    expect('deadline' in executor).toBe(false);
  });

  it('is pure: the same environment, the same configuration', () => {
    const env = { ...REQUIRED, BATCH_SIZE: '7' };
    expect(toRunConfig(env)).toEqual(toRunConfig(env));
    expect(env).toEqual({ ...REQUIRED, BATCH_SIZE: '7' });
  });
});

describe('docs/configuration.md', () => {
  const doc = readFileSync(join(import.meta.dirname, '..', '..', '..', 'docs', 'configuration.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## `wbp run` environment variables'), doc.indexOf('## Command lines'));
  /** The table's rows: variable → required, default (as written). */
  const documented = new Map(
    section
      .split('\n')
      .filter((line) => /^\| `[A-Z_]+` +\|/.test(line)) // cells padded by the formatter
      .map((line) => {
        const [variable, required, fallback] = line
          .split('|')
          .slice(1, 4)
          .map((cell) => cell.trim().replace(/^`|`$/g, ''));
        return [variable!, { required: required === 'yes', fallback: fallback! }] as const;
      }),
  );

  it('lists every variable the code reads, and no other', () => {
    expect([...documented.keys()].sort()).toEqual([...RUN_ENV_VARIABLES].sort());
  });

  it.each([...RUN_ENV_VARIABLES])('documents the default of %s as the code has it', (variable) => {
    const row = documented.get(variable);
    expect(row, `${variable} is not in the table`).toBeDefined();
    const { required, fallback } = row!;
    const inCode = (toRunConfig(REQUIRED).env as Record<string, unknown>)[variable];
    if (required) {
      expect(variable in REQUIRED, `${variable} is documented as required`).toBe(true);
      return;
    }
    expect(variable in REQUIRED, `${variable} is required in the code but not in the docs`).toBe(false);
    // "—", "none", "any", "〃": no default, the variable is simply absent.
    if (/^(—|none|any|〃)$/.test(fallback))
      expect(inCode, `${variable} has a default in the code (${String(inCode)}) but not in the docs`).toBeUndefined();
    else if (typeof inCode === 'number') expect(Number(fallback)).toBe(inCode);
    else expect(fallback).toBe(String(inCode));
  });
});
