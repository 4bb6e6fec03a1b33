import { definedOnly } from './defined-only.js';
import {
  aBoolean,
  aFunction,
  checkGroup,
  MAX_TIMER_MS,
  milliseconds,
  numberAbove,
  optionError,
  shown,
  wholeNumber,
  type Rule,
} from './option-checks.js';
import type { TokenSource } from './transport/auth.js';
import { RATE_CONTROL_DEFAULTS, RATE_CONTROL_RULES, RateController, type RateControlOptions } from './transport/rate-controller.js';
import type { EventSink, FetchFn } from './transport/types.js';

/** Who the client is: the token and how to renew it. */
export interface ClientAuthOptions {
  /** The bearer token, or a function returning the current one. Never logged, never in errors. */
  token: TokenSource;
  /**
   * Called on a 401: obtain a new token (e.g. a service-app refresh) and resolve true to replay the
   * call once with it. `token` must then be a function returning the latest token.
   */
  refresh?: () => Promise<boolean>;
}

/** How long an attempt, a connection and a whole call may take. */
export interface ClientTimeoutOptions {
  /** Whole-request deadline per attempt, headers and body. */
  requestMs?: number;
  /** TCP/TLS connect deadline of the built-in transport (not used with the `fetch` option). */
  connectMs?: number;
  /**
   * Ceiling for one call, every attempt and wait included; when it passes, everything the call was
   * doing stops. Default: room for every attempt to time out and back off, plus the 429 wait budget.
   */
  callMs?: number;
}

/** Retries of 5xx, timeouts and network errors (a 429 is waited out instead: `throttle`). */
export interface ClientRetryOptions {
  /** Retries after the first attempt, so at most `retries + 1` attempts. */
  retries?: number;
  /** Back-off bounds: exponential from `minDelayMs` to `maxDelayMs`, with jitter. */
  minDelayMs?: number;
  maxDelayMs?: number;
}

/** The org's rate limit: 429s, the shared pause, the learnt pace and rows in flight (docs/performance.md). */
export interface ClientThrottleOptions extends Omit<RateControlOptions, 'clock'> {
  /**
   * Another client's `rate` (its rate controller), for clients that share a token and so a rate
   * limit. It keeps the options it was made with: the rate-model options are refused alongside it.
   */
  rate?: RateController;
  /** Cap on a server-sent Retry-After. */
  maxRetryAfterMs?: number;
  /** Pause on a 429 that carries no Retry-After. */
  defaultPauseMs?: number;
  /** What one call may spend waiting out 429s, pauses and pace included; then the 429 is the answer. */
  waitBudgetMs?: number;
}

/** Tail-latency hedging of idempotent requests, and patience with those that cannot be hedged. */
export interface ClientHedgeOptions {
  /** Send a second copy of an idempotent request that is much slower than usual. */
  enabled?: boolean;
  /** Never hedge sooner than this. */
  minDelayMs?: number;
  /** Hedge after this many times the typical latency. */
  factor?: number;
  /** Give up a create or licence assignment as outcome unknown after this many times the typical latency… */
  patienceFactor?: number;
  /** …and at least this long (never longer than `timeout.requestMs`). */
  minPatienceMs?: number;
}

/** The options of `createWebexClient`, grouped by concern; defaults in `CLIENT_DEFAULTS`, documented in the README. */
export interface WebexClientOptions {
  auth: ClientAuthOptions;
  /** The API base, e.g. a simulator's. */
  baseUrl?: string;
  timeout?: ClientTimeoutOptions;
  retry?: ClientRetryOptions;
  throttle?: ClientThrottleOptions;
  hedge?: ClientHedgeOptions;
  /** Upper bound on pages any list call follows. */
  maxPages?: number;
  /** Prefix of the TrackingID header sent with each call. */
  trackingIdPrefix?: string;
  /** Replaces the innermost fetch (tests, proxies): `(request, signal) => Promise<Response>`. */
  fetch?: FetchFn;
  /** Progress, retry and rate-limit events, for logs and adaptive scheduling. */
  onEvent?: EventSink;
}

/** A frozen copy all the way down, so no caller can change a default for every client after it. */
function frozen<T extends object>(value: T): T {
  for (const inner of Object.values(value)) if (typeof inner === 'object' && inner !== null) frozen(inner);
  return Object.freeze(value);
}

/**
 * Every default of the client, in one place (the runner's environment variables fall back to these:
 * docs/configuration.md). `timeout.callMs` has none: it is derived from the others.
 */
export const CLIENT_DEFAULTS = frozen({
  baseUrl: 'https://webexapis.com/v1',
  maxPages: 1_000,
  trackingIdPrefix: 'WBP',
  /** Attempt and connect deadlines of term sheet §9. */
  timeout: { requestMs: 20_000, connectMs: 5_000 },
  /** Five retries (term sheet §9). */
  retry: { retries: 5, minDelayMs: 500, maxDelayMs: 30_000 },
  throttle: {
    maxRetryAfterMs: 120_000,
    defaultPauseMs: 1_000,
    /** Ten of the longest Retry-Afters Webex is seen to send. */
    waitBudgetMs: 600_000,
    ...RATE_CONTROL_DEFAULTS,
  },
  hedge: { enabled: true, minDelayMs: 1_000, factor: 10, patienceFactor: 40, minPatienceMs: 5_000 },
});

/** Visible ASCII: what an HTTP header value can carry without being refused or mangled. */
const HEADER_SAFE = /^[\x21-\x7e]+$/;

const absoluteHttpUrl: Rule = {
  test: (v) => typeof v === 'string' && URL.canParse(v) && /^https?:$/.test(new URL(v).protocol),
  text: 'an absolute http(s) URL',
};

const GROUP_RULES = {
  timeout: { requestMs: milliseconds(1), connectMs: milliseconds(1), callMs: milliseconds(1) },
  retry: { retries: wholeNumber(0), minDelayMs: milliseconds(0), maxDelayMs: milliseconds(0) },
  throttle: {
    ...RATE_CONTROL_RULES,
    clock: { test: () => false, text: 'left out (a controller with its own clock goes in throttle.rate)' },
    rate: { test: (v) => v instanceof RateController, text: "another client's rate (its RateController)" },
    maxRetryAfterMs: milliseconds(1),
    defaultPauseMs: milliseconds(1),
    waitBudgetMs: milliseconds(0),
  },
  hedge: {
    enabled: aBoolean,
    minDelayMs: milliseconds(0),
    factor: numberAbove(1, { inclusive: true }),
    patienceFactor: numberAbove(1, { inclusive: true }),
    minPatienceMs: milliseconds(1),
  },
} satisfies Record<string, Record<string, Rule>>;

const anObject: Rule = { test: (v) => typeof v === 'object' && v !== null && !Array.isArray(v), text: 'an object' };

/** Top-level rules; a group's own options are checked with `GROUP_RULES`. */
const TOP_RULES: Record<keyof WebexClientOptions, Rule> = {
  auth: anObject,
  baseUrl: absoluteHttpUrl,
  timeout: anObject,
  retry: anObject,
  throttle: anObject,
  hedge: anObject,
  maxPages: wholeNumber(1),
  trackingIdPrefix: {
    test: (v) => typeof v === 'string' && HEADER_SAFE.test(v),
    text: 'visible ASCII without spaces (it starts a header)',
  },
  fetch: aFunction,
  onEvent: aFunction,
};

/** Every option's path (`retry.retries`), for the README's check that each has its own heading. */
export const OPTION_PATHS: readonly string[] = [
  'auth.token',
  'auth.refresh',
  ...Object.keys(TOP_RULES).filter((k) => !(k in GROUP_RULES) && k !== 'auth'),
  ...Object.entries(GROUP_RULES).flatMap(([group, rules]) =>
    Object.keys(rules)
      .filter((k) => k !== 'clock')
      .map((k) => `${group}.${k}`),
  ),
];

/** The token is never shown, not even in the error about it: only its kind. */
function checkAuth(auth: unknown): ClientAuthOptions {
  checkGroup('auth', auth, { token: { test: () => true, text: 'checked below, never shown' }, refresh: aFunction });
  const { token, refresh } = auth as ClientAuthOptions;
  const kind = token === '' ? 'an empty string' : typeof token === 'string' ? 'a string' : kindOf(token);
  if (typeof token === 'string' ? token === '' : typeof token !== 'function')
    throw new TypeError(`auth.token must be a non-empty string or a function returning one, got ${kind}`);
  if (typeof token === 'string' && !HEADER_SAFE.test(token))
    throw new TypeError('auth.token must be visible ASCII without spaces (it is sent in a header), got a string with other characters');
  if (refresh !== undefined && typeof token !== 'function')
    throw new TypeError(`auth.refresh needs auth.token to be a function returning the latest token, got ${kind}`);
  return refresh ? { token, refresh } : { token };
}

/** A token's kind only (never its value, which `shown` would print for a number or a short string). */
function kindOf(value: unknown): string {
  if (value === undefined || value === null) return String(value);
  return typeof value === 'object' || typeof value === 'function' ? shown(value) : `a ${typeof value}`;
}

/** The options with every default filled in and the rate controller made (or shared). */
export interface ResolvedOptions {
  auth: ClientAuthOptions;
  baseUrl: string;
  maxPages: number;
  trackingIdPrefix: string;
  fetch: FetchFn | undefined;
  onEvent: EventSink | undefined;
  timeout: Required<ClientTimeoutOptions>;
  retry: Required<ClientRetryOptions>;
  throttle: { rate: RateController; maxRetryAfterMs: number; defaultPauseMs: number; waitBudgetMs: number };
  hedge: Required<ClientHedgeOptions>;
}

/** Checks the options (a `TypeError` naming the first bad one) and fills in the defaults. */
export function resolveOptions(options: WebexClientOptions): ResolvedOptions {
  checkGroup('', options, TOP_RULES);
  const auth = checkAuth(options.auth);
  for (const [group, rules] of Object.entries(GROUP_RULES)) checkGroup(group, options[group as keyof typeof GROUP_RULES] ?? {}, rules);
  const given = definedOnly(options);
  const retry = { ...CLIENT_DEFAULTS.retry, ...definedOnly(options.retry ?? {}) };
  if (retry.maxDelayMs < retry.minDelayMs)
    throw optionError('retry.maxDelayMs', `at least retry.minDelayMs (${retry.minDelayMs})`, retry.maxDelayMs);
  const { rate: shared, maxRetryAfterMs, defaultPauseMs, waitBudgetMs, ...model } = definedOnly(options.throttle ?? {});
  const modelGiven = Object.keys(model);
  if (shared && modelGiven.length > 0)
    throw new TypeError(`throttle.${modelGiven[0]} cannot go with throttle.rate: a shared controller keeps the options it was made with`);
  const throttle = {
    rate: shared ?? new RateController(model),
    maxRetryAfterMs: maxRetryAfterMs ?? CLIENT_DEFAULTS.throttle.maxRetryAfterMs,
    defaultPauseMs: defaultPauseMs ?? CLIENT_DEFAULTS.throttle.defaultPauseMs,
    waitBudgetMs: waitBudgetMs ?? CLIENT_DEFAULTS.throttle.waitBudgetMs,
  };
  const partial = { ...CLIENT_DEFAULTS.timeout, ...definedOnly(options.timeout ?? {}) };
  // Unless set: room for every attempt to time out and back off, the 429 wait budget, and a margin.
  const callMs =
    partial.callMs ??
    Math.min(
      MAX_TIMER_MS,
      (retry.retries + 1) * (partial.requestMs + Math.max(retry.maxDelayMs, throttle.maxRetryAfterMs)) + throttle.waitBudgetMs + 5_000,
    );
  return {
    auth,
    baseUrl: given.baseUrl ?? CLIENT_DEFAULTS.baseUrl,
    maxPages: given.maxPages ?? CLIENT_DEFAULTS.maxPages,
    trackingIdPrefix: given.trackingIdPrefix ?? CLIENT_DEFAULTS.trackingIdPrefix,
    fetch: given.fetch,
    onEvent: given.onEvent,
    timeout: { ...partial, callMs },
    retry,
    throttle,
    hedge: { ...CLIENT_DEFAULTS.hedge, ...definedOnly(options.hedge ?? {}) },
  };
}
