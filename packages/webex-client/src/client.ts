import createClient from 'openapi-fetch';
import type { AdminPaths, CallingPaths, DevicePaths, OperationContext, RawClients } from './types.js';
import { definedOnly } from './defined-only.js';
import { webexErrorMiddleware } from './error-middleware.js';
import { callingLocationOperations } from './operations/calling-locations.js';
import { licenseOperations } from './operations/licenses.js';
import { locationOperations } from './operations/locations.js';
import { numberOperations } from './operations/numbers.js';
import { peopleOperations } from './operations/people.js';
import { personSettingOperations } from './operations/person-settings.js';
import { withAuth, type TokenSource } from './transport/auth.js';
import { CallContext } from './transport/call-context.js';
import { withDeadline } from './transport/deadline.js';
import { CallRegistry } from './transport/diagnostics.js';
import { withHedging } from './transport/hedge.js';
import { withJsonBody } from './transport/json-body.js';
import { nodeFetch } from './transport/node-fetch.js';
import { RateController, type RateControlOptions } from './transport/rate-controller.js';
import { withRequestEvents } from './transport/request-events.js';
import { withRetry } from './transport/retry.js';
import { withThrottle } from './transport/throttle.js';
import { withTimeout } from './transport/timeout.js';
import type { EventSink, FetchFn } from './transport/types.js';

export const DEFAULT_BASE_URL = 'https://webexapis.com/v1';

/**
 * Every default of the client, in one place (exported: the runner's REQUEST_TIMEOUT_SECONDS,
 * CONNECT_TIMEOUT_SECONDS, MAX_RETRIES and WEBEX_BASE_URL fall back to these, docs/configuration.md).
 */
export const CLIENT_DEFAULTS = {
  baseUrl: DEFAULT_BASE_URL,
  /** Whole-request deadline per attempt (term sheet §9). */
  requestTimeoutMs: 20_000,
  /** TCP/TLS connect deadline (term sheet §9). */
  connectTimeoutMs: 5_000,
  /** Retries after the first attempt for 5xx, timeouts and network errors (term sheet §9). */
  retries: 5,
  minRetryDelayMs: 500,
  maxRetryDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
  /** Pause on a 429 that carries no Retry-After. */
  defaultRateLimitPauseMs: 1_000,
  /** What one call may spend waiting out 429s (ten of the longest Retry-Afters Webex is seen to send). */
  rateLimitWaitBudgetMs: 600_000,
  maxPages: 1_000,
  trackingIdPrefix: 'WBP',
  hedging: true,
  hedgeMinDelayMs: 1_000,
  /** Hedge after this many times the typical latency. */
  hedgeFactor: 10,
  /** Give up an unhedgeable call after this many times the typical latency. */
  patienceFactor: 40,
  minPatienceMs: 5_000,
};

/** Defaults: `CLIENT_DEFAULTS` above. */
export interface WebexClientOptions {
  /** The bearer token, or a function returning the current one. Never logged, never in errors. */
  token: TokenSource;
  baseUrl?: string;
  /** Whole-request deadline per attempt. */
  requestTimeoutMs?: number;
  /** TCP/TLS connect deadline. */
  connectTimeoutMs?: number;
  /** Retries after the first attempt for retryable failures. */
  retries?: number;
  /** Back-off bounds: exponential from min to max with jitter. */
  minRetryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** Cap on a server-sent Retry-After. */
  maxRetryAfterMs?: number;
  /**
   * What one call may spend waiting out 429s, pauses and pace included. 429s do not count against
   * `retries` (the org is pacing us, nothing failed); this is what bounds a call it keeps refusing.
   */
  rateLimitWaitBudgetMs?: number;
  /**
   * Ceiling for one call, every attempt and wait included; when it passes, everything the call
   * was doing stops. Default: enough for every attempt to time out and back off at most.
   */
  callDeadlineMs?: number;
  /** Upper bound on pages any list call follows. */
  maxPages?: number;
  /** Prefix of the TrackingID header sent with each call. */
  trackingIdPrefix?: string;
  /** Replaces the innermost fetch (tests, proxies). */
  fetch?: FetchFn;
  /** Progress and retry events, for logs and adaptive scheduling. */
  onEvent?: EventSink;
  /** Share one rate controller between clients that share a rate limit (same token). */
  rate?: RateController;
  /** Options of the client's own rate controller (when `rate` is not given). */
  rateControl?: RateControlOptions;
  /** Send a second copy of an idempotent request that is ten times slower than usual. */
  hedging?: boolean;
  /** Never hedge sooner than this. */
  hedgeMinDelayMs?: number;
  /**
   * A create or licence assignment still unanswered after 40× the typical latency, and at least
   * this long (never more than the request timeout), is given up as outcome unknown.
   */
  minPatienceMs?: number;
  /**
   * Called on a 401: obtain a new token (e.g. a service-app refresh) and resolve true to replay the
   * call once with it. `token` must then be a function returning the latest token.
   */
  refreshToken?: () => Promise<boolean>;
}

/**
 * A typed Webex client: the raw openapi-fetch clients plus typed functions for the operations
 * wbp uses, all over one transport of single-job layers (auth → deadline → diagnostics →
 * retry → JSON body → throttle → request events → hedge → timeout → fetch) and one error
 * middleware (`error-middleware.ts`): every failure, raw client or operation, rejects with
 * `WebexApiError`; a 2xx resolves `{ data, response }`.
 */
export function createWebexClient(options: WebexClientOptions) {
  const o = { ...CLIENT_DEFAULTS, ...definedOnly(options) };
  const rate = options.rate ?? new RateController(options.rateControl);
  const pool = options.fetch ? undefined : nodeFetch(o.connectTimeoutMs);
  const base: FetchFn = options.fetch ?? (pool as { fetch: FetchFn }).fetch;
  const calls = new CallRegistry();
  const onEvent = options.onEvent;
  // Unless set: room for every attempt to time out and back off, the 429 wait budget, and a margin.
  const callDeadlineMs =
    options.callDeadlineMs ??
    (o.retries + 1) * (o.requestTimeoutMs + Math.max(o.maxRetryDelayMs, o.maxRetryAfterMs)) + o.rateLimitWaitBudgetMs + 5_000;
  // Outermost first; each layer wraps the ones below it (see README, transport layers).
  const layers: ((next: FetchFn) => FetchFn)[] = [
    (next) => withAuth(next, options.token, o.trackingIdPrefix, options.refreshToken),
    (next) => withDeadline(next, callDeadlineMs),
    (next) => calls.track(next),
    (next) =>
      withRetry(next, { retries: o.retries, minDelayMs: o.minRetryDelayMs, maxDelayMs: o.maxRetryDelayMs, onEvent, onStage: calls.stage }),
    withJsonBody,
    (next) =>
      withThrottle(next, {
        rate,
        maxRetryAfterMs: o.maxRetryAfterMs,
        defaultRateLimitPauseMs: o.defaultRateLimitPauseMs,
        waitBudgetMs: o.rateLimitWaitBudgetMs,
        onEvent,
        onStage: calls.stage,
      }),
    (next) => (onEvent ? withRequestEvents(next, onEvent) : next),
    (next) =>
      o.hedging
        ? withHedging(next, {
            minDelayMs: o.hedgeMinDelayMs,
            factor: o.hedgeFactor,
            patienceFactor: o.patienceFactor,
            minPatienceMs: Math.min(o.minPatienceMs, o.requestTimeoutMs),
            rate,
            onEvent,
          })
        : next,
    (next) => withTimeout(next, o.requestTimeoutMs),
  ];
  const transport = layers.reduceRight((next, layer) => layer(next), base);
  // Each call gets its context where it enters the transport; the error middleware finds it again
  // by the Request openapi-fetch sent (the same object it hands to onResponse / onError).
  const contexts = new WeakMap<Request, CallContext>();
  const enter = (request: Request): Promise<Response> => {
    const call = new CallContext();
    contexts.set(request, call);
    return transport(request, request.signal, call);
  };
  const errors = webexErrorMiddleware((request) => contexts.get(request));
  const clientOptions = { baseUrl: o.baseUrl, fetch: enter };
  const raw: RawClients = {
    admin: createClient<AdminPaths>(clientOptions),
    device: createClient<DevicePaths>(clientOptions),
    calling: createClient<CallingPaths>(clientOptions),
  };
  raw.admin.use(errors);
  raw.device.use(errors);
  raw.calling.use(errors);
  const ctx: OperationContext = { ...raw, maxPages: o.maxPages };
  return {
    raw,
    /** The rate controller: pause, learnt pace, latency, rows worth having in flight. */
    rate,
    people: peopleOperations(ctx),
    licenses: licenseOperations(ctx),
    locations: locationOperations(ctx),
    callingLocations: callingLocationOperations(ctx),
    numbers: numberOperations(ctx),
    settings: personSettingOperations(ctx),
    /** Calls in progress and the stage each is in (diagnostics). */
    callsInFlight: () => calls.list(),
    /** Closes pooled connections (not needed for a process that is about to exit). */
    close: async (): Promise<void> => {
      await pool?.close();
    },
  };
}

export type WebexClient = ReturnType<typeof createWebexClient>;
