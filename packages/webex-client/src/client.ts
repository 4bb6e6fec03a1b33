import createClient from 'openapi-fetch';
import type { AdminPaths, CallingPaths, DevicePaths, OperationContext, RawClients } from './types.js';
import { resolveOptions, type WebexClientOptions } from './client-options.js';
import { webexErrorMiddleware } from './error-middleware.js';
import { callingLocationOperations } from './operations/calling-locations.js';
import { licenseOperations } from './operations/licenses.js';
import { locationOperations } from './operations/locations.js';
import { numberOperations } from './operations/numbers.js';
import { peopleOperations } from './operations/people.js';
import { personSettingOperations } from './operations/person-settings.js';
import { withAuth } from './transport/auth.js';
import { CallContext } from './transport/call-context.js';
import { withDeadline } from './transport/deadline.js';
import { CallRegistry } from './transport/diagnostics.js';
import { withHedging } from './transport/hedge.js';
import { withJsonBody } from './transport/json-body.js';
import { nodeFetch } from './transport/node-fetch.js';
import { withRequestEvents } from './transport/request-events.js';
import { withRetry } from './transport/retry.js';
import { withThrottle } from './transport/throttle.js';
import { withTimeout } from './transport/timeout.js';
import type { FetchFn } from './transport/types.js';

/**
 * A typed Webex client: the raw openapi-fetch clients plus typed functions for the operations
 * wbp uses, all over one transport of single-job layers (auth → deadline → diagnostics →
 * retry → JSON body → throttle → request events → hedge → timeout → fetch) and one error
 * middleware (`error-middleware.ts`): every failure, raw client or operation, rejects with
 * `WebexApiError`; a 2xx resolves `{ data, response }`.
 */
export function createWebexClient(options: WebexClientOptions) {
  const { auth, timeout, retry, throttle, hedge, onEvent, ...o } = resolveOptions(options);
  const { rate } = throttle;
  const pool = o.fetch ? undefined : nodeFetch(timeout.connectMs);
  const base: FetchFn = o.fetch ?? (pool as { fetch: FetchFn }).fetch;
  const calls = new CallRegistry();
  // Outermost first; each layer wraps the ones below it (see README, transport layers).
  const layers: ((next: FetchFn) => FetchFn)[] = [
    (next) => withAuth(next, auth.token, o.trackingIdPrefix, auth.refresh),
    (next) => withDeadline(next, timeout.callMs),
    (next) => calls.track(next),
    (next) => withRetry(next, { ...retry, onEvent, onStage: calls.stage }),
    withJsonBody,
    (next) =>
      withThrottle(next, {
        rate,
        maxRetryAfterMs: throttle.maxRetryAfterMs,
        defaultRateLimitPauseMs: throttle.defaultPauseMs,
        waitBudgetMs: throttle.waitBudgetMs,
        onEvent,
        onStage: calls.stage,
      }),
    (next) => (onEvent ? withRequestEvents(next, onEvent) : next),
    (next) =>
      hedge.enabled
        ? withHedging(next, {
            minDelayMs: hedge.minDelayMs,
            factor: hedge.factor,
            patienceFactor: hedge.patienceFactor,
            minPatienceMs: Math.min(hedge.minPatienceMs, timeout.requestMs),
            rate,
            onEvent,
          })
        : next,
    (next) => withTimeout(next, timeout.requestMs),
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
