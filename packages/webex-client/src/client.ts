import createClient from 'openapi-fetch';
import type { AdminPaths, CallingPaths, DevicePaths, OperationContext, RawClients } from './types.js';
import { callingLocationOperations } from './operations/calling-locations.js';
import { licenseOperations } from './operations/licenses.js';
import { locationOperations } from './operations/locations.js';
import { numberOperations } from './operations/numbers.js';
import { peopleOperations } from './operations/people.js';
import { personSettingOperations } from './operations/person-settings.js';
import { withAuth, type TokenSource } from './transport/auth.js';
import { nodeFetch } from './transport/node-fetch.js';
import { RatePacer } from './transport/pacer.js';
import { RateGate } from './transport/rate-gate.js';
import { withHedging } from './transport/hedge.js';
import { withRetry, type CallInFlight } from './transport/retry.js';
import { withTimeout } from './transport/timeout.js';
import type { EventSink, FetchFn } from './transport/types.js';

export const DEFAULT_BASE_URL = 'https://webexapis.com/v1';

export interface WebexClientOptions {
  /** The bearer token, or a function returning the current one. Never logged, never in errors. */
  token: TokenSource;
  baseUrl?: string;
  /** Whole-request deadline per attempt (default 20 s). */
  requestTimeoutMs?: number;
  /** TCP/TLS connect deadline (default 5 s). */
  connectTimeoutMs?: number;
  /** Retries after the first attempt for retryable failures (default 5). */
  retries?: number;
  /** Back-off bounds: exponential from min to max with jitter (defaults 500 ms / 30 s). */
  minRetryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** Cap on a server-sent Retry-After (default 120 s). */
  maxRetryAfterMs?: number;
  /** Ceiling for one call, every attempt and wait included (default: derived from the options above). */
  callDeadlineMs?: number;
  /** Upper bound on pages any list call follows (default 1000). */
  maxPages?: number;
  /** Prefix of the TrackingID header sent with each call (default `WBP`). */
  trackingIdPrefix?: string;
  /** Replaces the innermost fetch (tests, proxies). */
  fetch?: FetchFn;
  /** Progress and retry events, for logs and adaptive scheduling. */
  onEvent?: EventSink;
  /** Share one gate between clients that share a rate limit (same token). */
  gate?: RateGate;
  /** Send a second copy of an idempotent request that is ten times slower than usual (default true). */
  hedging?: boolean;
  /** Never hedge sooner than this (default 1 s). */
  hedgeMinDelayMs?: number;
  /**
   * A create or licence assignment still unanswered after 40× the typical latency, and at least
   * this long (default 5 s, never more than the request timeout), is given up as outcome unknown.
   */
  minPatienceMs?: number;
  /** Learn the org's rate limit from 429s and pace below it (default true). */
  pacing?: boolean;
  /**
   * Called on a 401: obtain a new token (e.g. a service-app refresh) and resolve true to replay the
   * call once with it. `token` must then be a function returning the latest token.
   */
  refreshToken?: () => Promise<boolean>;
}

/**
 * A typed Webex client: the raw openapi-fetch clients plus typed functions for the operations
 * wbp uses, all over one transport (auth → retry → timeout → fetch).
 */
export function createWebexClient(options: WebexClientOptions) {
  const gate = options.gate ?? new RateGate();
  const pacer = options.pacing === false ? undefined : new RatePacer();
  const pool = options.fetch ? undefined : nodeFetch(options.connectTimeoutMs ?? 5_000);
  const base: FetchFn = options.fetch ?? (pool as { fetch: FetchFn }).fetch;
  const calls = new Map<number, CallInFlight>();
  const requestTimeoutMs = options.requestTimeoutMs ?? 20_000;
  const retries = options.retries ?? 5;
  const maxDelayMs = options.maxRetryDelayMs ?? 30_000;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 120_000;
  const transport = withAuth(
    withRetry(hedged(withTimeout(base, requestTimeoutMs)), {
      retries,
      minDelayMs: options.minRetryDelayMs ?? 500,
      maxDelayMs,
      maxRetryAfterMs,
      callDeadlineMs: options.callDeadlineMs ?? (retries + 1) * (requestTimeoutMs + Math.max(maxDelayMs, maxRetryAfterMs)) + 5_000,
      defaultRateLimitPauseMs: 1_000,
      gate,
      pacer,
      calls,
      onEvent: options.onEvent,
    }),
    options.token,
    options.trackingIdPrefix ?? 'WBP',
    options.refreshToken,
  );
  function hedged(next: FetchFn): FetchFn {
    return options.hedging === false
      ? next
      : withHedging(next, {
          minDelayMs: options.hedgeMinDelayMs ?? 1_000,
          factor: 10,
          patienceFactor: 40,
          minPatienceMs: Math.min(options.minPatienceMs ?? 5_000, requestTimeoutMs),
          onEvent: options.onEvent,
        });
  }
  const clientOptions = { baseUrl: options.baseUrl ?? DEFAULT_BASE_URL, fetch: transport };
  const raw: RawClients = {
    admin: createClient<AdminPaths>(clientOptions),
    device: createClient<DevicePaths>(clientOptions),
    calling: createClient<CallingPaths>(clientOptions),
  };
  const ctx: OperationContext = { ...raw, maxPages: options.maxPages ?? 1_000 };
  return {
    raw,
    gate,
    /** The learnt pace (undefined until the first 429). */
    pacer,
    people: peopleOperations(ctx),
    licenses: licenseOperations(ctx),
    locations: locationOperations(ctx),
    callingLocations: callingLocationOperations(ctx),
    numbers: numberOperations(ctx),
    settings: personSettingOperations(ctx),
    /** Calls in progress and the stage each is in (diagnostics). */
    callsInFlight: () => [...calls.values()].map((c) => ({ ...c, seconds: Math.round((Date.now() - c.since) / 1000) })),
    /** Closes pooled connections (not needed for a process that is about to exit). */
    close: async (): Promise<void> => {
      await pool?.close();
    },
  };
}

export type WebexClient = ReturnType<typeof createWebexClient>;
