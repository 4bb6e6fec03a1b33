import * as v from 'valibot';
import { parseDuration } from './duration.js';

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

const bool = (name: string) =>
  v.optional(
    v.pipe(
      v.string(),
      v.trim(),
      v.toLowerCase(),
      v.picklist(['true', 'false', '1', '0', 'yes', 'no'], `${name} must be true or false`),
      v.transform((s) => s === 'true' || s === '1' || s === 'yes'),
    ),
    'false',
  );

/** A URL wbp can put `/people/me` behind: no user:password@ (credentials go in WEBEX_TOKEN only, and would end up in logs), no ?query or #fragment. */
function plainBaseUrl(text: string): boolean {
  if (!URL.canParse(text)) return true; // v.url has said so already
  const url = new URL(text);
  return url.username === '' && url.password === '' && url.search === '' && url.hash === '' && !text.includes('?') && !text.includes('#');
}

/** Visible ASCII only: anything else (a line break, a space, a non-ASCII character) cannot be sent in an HTTP header. */
const HEADER_SAFE = /^[\x21-\x7e]*$/;

/** Term sheet §19 plus wbp's own options; every variable is a string in the environment. */
const EnvSchema = v.object({
  ENVIRONMENT: v.picklist(['lab', 'prod'], 'ENVIRONMENT must be lab or prod'),
  WEBEX_BASE_URL: v.optional(
    v.pipe(
      v.string(),
      v.trim(),
      v.url('WEBEX_BASE_URL must be a URL'),
      v.regex(/^https?:\/\//, 'WEBEX_BASE_URL must be http(s)'),
      v.check(plainBaseUrl, 'WEBEX_BASE_URL must not carry a user name or password (user:pass@), a ?query or a #fragment: give the bare API base, credentials go in WEBEX_TOKEN'),
    ),
    'https://webexapis.com/v1',
  ),
  WEBEX_TOKEN: v.pipe(
    v.string('WEBEX_TOKEN is required'),
    v.trim(),
    v.minLength(1, 'WEBEX_TOKEN is required'),
    v.regex(HEADER_SAFE, 'WEBEX_TOKEN holds a character that cannot be sent in an HTTP header (a line break, a space or a non-ASCII character): copy the token again'),
  ),
  OUTPUT_DIR: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1))),
  BATCH_SIZE: int('BATCH_SIZE', 1, 5_000, 500),
  MAX_ROWS: int('MAX_ROWS', 1, 1_000_000, 21_000),
  MAX_BATCHES: int('MAX_BATCHES', 1, 100_000, 1_000),
  MAX_RETRIES: int('MAX_RETRIES', 0, 10, 5),
  REQUEST_TIMEOUT_SECONDS: int('REQUEST_TIMEOUT_SECONDS', 1, 300, 20),
  CONNECT_TIMEOUT_SECONDS: int('CONNECT_TIMEOUT_SECONDS', 1, 60, 5),
  CIRCUIT_BREAKER_THRESHOLD: v.optional(
    v.pipe(
      v.string(),
      v.trim(),
      v.regex(/^(0(\.\d+)?|1(\.0+)?)$/, 'CIRCUIT_BREAKER_THRESHOLD must be a number above 0 and at most 1'),
      v.transform(Number),
      v.check((n) => n > 0, 'CIRCUIT_BREAKER_THRESHOLD must be above 0 (0 would abort the run after its first batch)'),
    ),
    '0.80',
  ),
  ENABLE_SAFE_COMPENSATION: bool('ENABLE_SAFE_COMPENSATION'),
  PIPELINE_VERSION: int('PIPELINE_VERSION', 1, 1_000, 1),
  CONCURRENCY: int('CONCURRENCY', 1, 256, 8),
  CONCURRENCY_MAX: int('CONCURRENCY_MAX', 1, 256, 32),
  LOG_LEVEL: v.optional(v.picklist(['debug', 'info', 'warn', 'error'], 'LOG_LEVEL must be debug, info, warn or error'), 'info'),
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
    '60',
  ),
  OUTPUT_MODE: v.optional(v.picklist(['private', 'shared'], 'OUTPUT_MODE must be private (files 0600, folder 0700) or shared (0644, 0755)'), 'private'),
  WEBEX_CALLING_LICENSE_ID: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1))),
  WEBEX_REFRESH_TOKEN: v.optional(v.pipe(v.string(), v.trim())),
  WEBEX_CLIENT_ID: v.optional(v.pipe(v.string(), v.trim())),
  WEBEX_CLIENT_SECRET: v.optional(v.pipe(v.string(), v.trim())),
});

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

export type EnvResult = { ok: true; env: RunEnv; serviceApp: ServiceApp | undefined } | { ok: false; problems: string[] };

/** Reads and checks the environment; every bad variable gets its own message, none is echoed back. */
export function readRunEnv(raw: Readonly<Record<string, string | undefined>>): EnvResult {
  const input = Object.fromEntries(Object.keys(EnvSchema.entries).flatMap((k) => (raw[k] !== undefined && raw[k] !== '' ? [[k, raw[k]]] : [])));
  const parsed = v.safeParse(EnvSchema, input);
  const problems = parsed.success ? [] : [...new Set(parsed.issues.map((i) => `${v.getDotPath(i) ?? 'env'}: ${i.message}`))];
  if (parsed.success) {
    const { WEBEX_REFRESH_TOKEN: refreshToken, WEBEX_CLIENT_ID: clientId, WEBEX_CLIENT_SECRET: clientSecret, CONCURRENCY, CONCURRENCY_MAX } = parsed.output;
    const given = [refreshToken, clientId, clientSecret].filter(Boolean).length;
    if (given !== 0 && given !== 3) problems.push('WEBEX_REFRESH_TOKEN, WEBEX_CLIENT_ID and WEBEX_CLIENT_SECRET go together: set all three or none');
    if (CONCURRENCY > CONCURRENCY_MAX) problems.push(`CONCURRENCY (${CONCURRENCY}) must not exceed CONCURRENCY_MAX (${CONCURRENCY_MAX})`);
    if (problems.length === 0) {
      return {
        ok: true,
        env: parsed.output,
        serviceApp: given === 3 ? { clientId: clientId!, clientSecret: clientSecret!, refreshToken: refreshToken! } : undefined,
      };
    }
  }
  return { ok: false, problems };
}

/** The effective configuration for the run-start log: every setting, no secret. */
export function redactedConfig(env: RunEnv, serviceApp: ServiceApp | undefined): Record<string, unknown> {
  const { WEBEX_TOKEN: _t, WEBEX_REFRESH_TOKEN: _r, WEBEX_CLIENT_SECRET: _s, WEBEX_CLIENT_ID: _c, ...rest } = env;
  return { ...rest, WEBEX_TOKEN: '[set]', SERVICE_APP_REFRESH: serviceApp ? 'enabled' : 'disabled' };
}
