import { DEFAULT_EXECUTOR_CONFIG, type ExecutorConfig } from '@wbp/executor-core';
import { CLIENT_DEFAULTS, type WebexClientOptions } from '@wbp/webex-client';
import * as v from 'valibot';
import { parseDuration } from './duration.js';

/**
 * The environment of `wbp run` and `wbp plan` (docs/configuration.md, checked against this file by
 * test/run-config.test.ts) turned into the options of the client and of the executor. Every
 * fallback below is the default exported by the package that owns the setting (`CLIENT_DEFAULTS`,
 * `DEFAULT_EXECUTOR_CONFIG`), so a default is declared once, next to its
 * documentation, and this file only says which variable sets it, in which unit, within which range.
 */

const int = (name: string, min: number, max: number, fallback: number) =>
  v.optional(
    v.pipe(
      v.string(),
      v.trim(),
      v.regex(/^\d+$/, `${name} must be a whole number`),
      v.transform(Number),
      v.minValue(min, `${name} must be ≥ ${min}`),
      v.maxValue(max, `${name} must be ≤ ${max}`),
    ),
    String(fallback),
  );

const bool = (name: string, fallback: boolean) =>
  v.optional(
    v.pipe(
      v.string(),
      v.trim(),
      v.toLowerCase(),
      v.picklist(['true', 'false', '1', '0', 'yes', 'no'], `${name} must be true or false`),
      v.transform((s) => s === 'true' || s === '1' || s === 'yes'),
    ),
    String(fallback),
  );

/** The variables hold seconds (the term sheet's unit), the client milliseconds. */
const seconds = (ms: number) => ms / 1000;

/** A URL wbp can put `/people/me` behind: no user:password@ (credentials go in WEBEX_TOKEN only, and would end up in logs), no ?query or #fragment. */
function plainBaseUrl(text: string): boolean {
  if (!URL.canParse(text)) return true; // v.url has said so already
  const url = new URL(text);
  return url.username === '' && url.password === '' && url.search === '' && url.hash === '' && !text.includes('?') && !text.includes('#');
}

/** Visible ASCII only: anything else (a line break, a space, a non-ASCII character) cannot be sent in an HTTP header. */
const HEADER_SAFE = /^[\x21-\x7e]*$/;

/** run.log's verbosity when LOG_LEVEL is unset (the runner's own setting: no package below has a logger level). */
export const DEFAULT_LOG_LEVEL = 'info';
/** Output files readable by their owner only unless OUTPUT_MODE says otherwise: results hold e-mails and numbers. */
export const DEFAULT_OUTPUT_MODE = 'private';

/** Term sheet §19 plus wbp's own options; every variable is a string in the environment. */
const EnvSchema = v.object({
  ENVIRONMENT: v.picklist(['lab', 'prod'], 'ENVIRONMENT must be lab or prod'),
  WEBEX_BASE_URL: v.optional(
    v.pipe(
      v.string(),
      v.trim(),
      v.url('WEBEX_BASE_URL must be a URL'),
      v.regex(/^https?:\/\//, 'WEBEX_BASE_URL must be http(s)'),
      v.check(
        plainBaseUrl,
        'WEBEX_BASE_URL must not carry a user name or password (user:pass@), a ?query or a #fragment: give the bare API base, credentials go in WEBEX_TOKEN',
      ),
    ),
    CLIENT_DEFAULTS.baseUrl,
  ),
  WEBEX_TOKEN: v.pipe(
    v.string('WEBEX_TOKEN is required'),
    v.trim(),
    v.minLength(1, 'WEBEX_TOKEN is required'),
    v.regex(
      HEADER_SAFE,
      'WEBEX_TOKEN holds a character that cannot be sent in an HTTP header (a line break, a space or a non-ASCII character): copy the token again',
    ),
  ),
  OUTPUT_DIR: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1, 'OUTPUT_DIR must not be blank'))),
  BATCH_SIZE: int('BATCH_SIZE', 1, 5_000, DEFAULT_EXECUTOR_CONFIG.batchSize),
  MAX_ROWS: int('MAX_ROWS', 1, 1_000_000, DEFAULT_EXECUTOR_CONFIG.maxRows),
  MAX_BATCHES: int('MAX_BATCHES', 1, 100_000, DEFAULT_EXECUTOR_CONFIG.maxBatches),
  MAX_RETRIES: int('MAX_RETRIES', 0, 10, CLIENT_DEFAULTS.retry.retries),
  REQUEST_TIMEOUT_SECONDS: int('REQUEST_TIMEOUT_SECONDS', 1, 300, seconds(CLIENT_DEFAULTS.timeout.requestMs)),
  CONNECT_TIMEOUT_SECONDS: int('CONNECT_TIMEOUT_SECONDS', 1, 60, seconds(CLIENT_DEFAULTS.timeout.connectMs)),
  CIRCUIT_BREAKER_THRESHOLD: v.optional(
    v.pipe(
      v.string(),
      v.trim(),
      v.regex(/^(0(\.\d+)?|1(\.0+)?)$/, 'CIRCUIT_BREAKER_THRESHOLD must be a number above 0 and at most 1'),
      v.transform(Number),
      v.check((n) => n > 0, 'CIRCUIT_BREAKER_THRESHOLD must be above 0 (0 would abort the run after its first batch)'),
    ),
    String(DEFAULT_EXECUTOR_CONFIG.circuitBreakerThreshold),
  ),
  ENABLE_SAFE_COMPENSATION: bool('ENABLE_SAFE_COMPENSATION', DEFAULT_EXECUTOR_CONFIG.enableSafeCompensation),
  PIPELINE_VERSION: int('PIPELINE_VERSION', 1, 1_000, DEFAULT_EXECUTOR_CONFIG.pipelineVersion),
  // One variable, two consumers: the client's rate controller starts there, and the executor's
  // fixed limit (for a caller without the controller) is the same number.
  CONCURRENCY: int('CONCURRENCY', 1, 256, CLIENT_DEFAULTS.throttle.startConcurrency),
  CONCURRENCY_MAX: int('CONCURRENCY_MAX', 1, 256, CLIENT_DEFAULTS.throttle.maxConcurrency),
  LOG_LEVEL: v.optional(v.picklist(['debug', 'info', 'warn', 'error'], 'LOG_LEVEL must be debug, info, warn or error'), DEFAULT_LOG_LEVEL),
  TIME_BUDGET: v.optional(
    v.pipe(
      v.string(),
      v.trim(),
      v.check((s) => parseDuration(s) !== undefined, 'TIME_BUDGET must look like 5h30m, 90m or 45s'),
      v.check((s) => parseDuration(s) !== 0, zeroBudget('TIME_BUDGET')),
    ),
  ),
  UNKNOWN_OUTCOME_SETTLE_SECONDS: v.optional(
    v.pipe(
      v.string(),
      v.trim(),
      v.regex(/^\d+(\.\d+)?$/, 'UNKNOWN_OUTCOME_SETTLE_SECONDS must be a number of seconds'),
      v.transform(Number),
      v.maxValue(600, 'UNKNOWN_OUTCOME_SETTLE_SECONDS must be ≤ 600'),
    ),
    String(seconds(DEFAULT_EXECUTOR_CONFIG.settle.windowMs)),
  ),
  OUTPUT_MODE: v.optional(
    v.picklist(['private', 'shared'], 'OUTPUT_MODE must be private (files 0600, folder 0700) or shared (0644, 0755)'),
    DEFAULT_OUTPUT_MODE,
  ),
  WEBEX_CALLING_LICENSE_ID: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1, 'WEBEX_CALLING_LICENSE_ID must not be blank'))),
  WEBEX_REFRESH_TOKEN: v.optional(v.pipe(v.string(), v.trim())),
  WEBEX_CLIENT_ID: v.optional(v.pipe(v.string(), v.trim())),
  WEBEX_CLIENT_SECRET: v.optional(v.pipe(v.string(), v.trim())),
});

/** Every variable `wbp run` and `wbp plan` read, in the order docs/configuration.md lists them. */
export const RUN_ENV_VARIABLES = Object.keys(EnvSchema.entries) as readonly (keyof typeof EnvSchema.entries)[];

/** The checked variables, defaults filled in (what run.log's `run_start` records, secrets redacted). */
export type RunEnv = v.InferOutput<typeof EnvSchema>;

/** Why a zero time budget is refused (the variable and the flag say the same). */
export function zeroBudget(name: string): string {
  return `${name} must be more than 0: a zero budget stops every run, and every resume, before its first row`;
}

export interface ServiceApp {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

/** The client's options the environment sets, grouped as the client takes them: the caller adds the token refresh and the event sink. */
export interface RunClientConfig extends Required<Pick<WebexClientOptions, 'baseUrl'>> {
  auth: { token: string };
  timeout: { requestMs: number; connectMs: number };
  retry: { retries: number };
  throttle: { startConcurrency: number; maxConcurrency: number };
}

/** What the environment configures; the run's deadline is the caller's (it depends on when the run started). */
export interface RunConfig {
  env: RunEnv;
  /** The refresh credentials when all three variables are set. */
  serviceApp: ServiceApp | undefined;
  client: RunClientConfig;
  executor: Omit<ExecutorConfig, 'deadline'>;
}

/** A configuration that cannot be used: one message per bad variable, each naming it, none echoing its value. */
export class RunConfigError extends Error {
  override name = 'RunConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`configuration is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * Reads and checks the environment (pure: no I/O, no clock). An empty variable counts as unset, as
 * the workflows pass unset repository variables as empty strings. Throws `RunConfigError`.
 */
export function toRunConfig(raw: Readonly<Record<string, string | undefined>>): RunConfig {
  const input = Object.fromEntries(RUN_ENV_VARIABLES.flatMap((k) => (raw[k] !== undefined && raw[k] !== '' ? [[k, raw[k]]] : [])));
  const parsed = v.safeParse(EnvSchema, input);
  if (!parsed.success) throw new RunConfigError([...new Set(parsed.issues.map((i) => `${v.getDotPath(i) ?? 'env'}: ${i.message}`))]);
  const env = parsed.output;
  const problems: string[] = [];
  const { WEBEX_REFRESH_TOKEN: refreshToken, WEBEX_CLIENT_ID: clientId, WEBEX_CLIENT_SECRET: clientSecret } = env;
  const given = [refreshToken, clientId, clientSecret].filter(Boolean).length;
  if (given !== 0 && given !== 3)
    problems.push('WEBEX_REFRESH_TOKEN, WEBEX_CLIENT_ID and WEBEX_CLIENT_SECRET go together: set all three or none');
  if (env.CONCURRENCY > env.CONCURRENCY_MAX)
    problems.push(`CONCURRENCY (${env.CONCURRENCY}) must not exceed CONCURRENCY_MAX (${env.CONCURRENCY_MAX})`);
  if (problems.length > 0) throw new RunConfigError(problems);
  return {
    env,
    serviceApp: given === 3 ? { clientId: clientId!, clientSecret: clientSecret!, refreshToken: refreshToken! } : undefined,
    client: {
      auth: { token: env.WEBEX_TOKEN },
      baseUrl: env.WEBEX_BASE_URL,
      timeout: { requestMs: env.REQUEST_TIMEOUT_SECONDS * 1000, connectMs: env.CONNECT_TIMEOUT_SECONDS * 1000 },
      retry: { retries: env.MAX_RETRIES },
      throttle: { startConcurrency: env.CONCURRENCY, maxConcurrency: env.CONCURRENCY_MAX },
    },
    executor: {
      ...DEFAULT_EXECUTOR_CONFIG,
      batchSize: env.BATCH_SIZE,
      maxRows: env.MAX_ROWS,
      maxBatches: env.MAX_BATCHES,
      concurrency: env.CONCURRENCY,
      circuitBreakerThreshold: env.CIRCUIT_BREAKER_THRESHOLD,
      pipelineVersion: env.PIPELINE_VERSION,
      enableSafeCompensation: env.ENABLE_SAFE_COMPENSATION,
      settle: { ...DEFAULT_EXECUTOR_CONFIG.settle, windowMs: env.UNKNOWN_OUTCOME_SETTLE_SECONDS * 1000 },
      callingLicenceId: env.WEBEX_CALLING_LICENSE_ID,
    },
  };
}

/** The effective configuration for the run-start log: every setting, no secret. */
export function redactedConfig({ env, serviceApp }: Pick<RunConfig, 'env' | 'serviceApp'>): Record<string, unknown> {
  const { WEBEX_TOKEN: _t, WEBEX_REFRESH_TOKEN: _r, WEBEX_CLIENT_SECRET: _s, WEBEX_CLIENT_ID: _c, ...rest } = env;
  return { ...rest, WEBEX_TOKEN: '[set]', SERVICE_APP_REFRESH: serviceApp ? 'enabled' : 'disabled' };
}
