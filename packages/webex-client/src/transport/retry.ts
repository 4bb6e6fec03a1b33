import pRetry, { AbortError } from 'p-retry';
import { isRetryableStatus, type FailureKind } from '../errors.js';
import type { StageSink } from './diagnostics.js';
import { TransportFailure } from './failure.js';
import { freshRequest } from './fresh-request.js';
import { isIdempotent } from './idempotency.js';
import { parseRetryAfter } from './retry-after.js';
import { requestLine } from './request-line.js';
import { RequestTimeoutError } from './timeout.js';
import type { EventSink, FetchFn } from './types.js';

export interface RetryOptions {
  /** Retries after the first attempt (so at most retries + 1 attempts). */
  retries: number;
  /** Back-off bounds: exponential from min to max, with jitter. */
  minDelayMs: number;
  maxDelayMs: number;
  onEvent?: EventSink | undefined;
  onStage?: StageSink | undefined;
}

/** Connection failures where the request provably never reached the server. */
const NEVER_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

function networkCode(err: unknown): string | undefined {
  const cause = (err as { cause?: { code?: unknown } } | undefined)?.cause;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

function sanitizedDetail(err: unknown): string {
  if (err instanceof RequestTimeoutError) return err.message;
  const code = networkCode(err);
  const msg = err instanceof Error ? err.message : String(err);
  return (code ? `${code}: ${msg}` : msg).slice(0, 200);
}

/**
 * Bounded retries with exponential back-off and jitter for 5xx, timeouts and network errors (a 429
 * is waited out by the throttle layer below, within its wait budget, and never counts here).
 * A non-idempotent request whose outcome is unknown (5xx, timeout, dropped connection) is never
 * replayed: it fails with `outcomeUnknown` so the caller can look up before trying again. A 503, or
 * a 423 with Retry-After, is a refusal, so replaying it is safe. Back-off stops the moment the
 * call's signal aborts. A failure that must not be replayed goes to p-retry wrapped in its
 * AbortError, which p-retry unwraps again, so the error middleware only ever sees a TransportFailure.
 */
export function withRetry(next: FetchFn, options: RetryOptions): FetchFn {
  const { onEvent, onStage } = options;
  return async (request, callerSignal, call) => {
    const signal = callerSignal ?? request.signal;
    const { method, path } = requestLine(request);
    const idempotent = isIdempotent(method, path);
    const body = request.body ? await request.arrayBuffer() : undefined;

    const once = async (attempt: number): Promise<Response> => {
      // The call's attempt count lives on its context, where diagnostics, request events and the
      // error middleware read it.
      if (call) call.attempt = attempt;
      let response: Response;
      try {
        response = await next(freshRequest(request, body), signal, call);
      } catch (err) {
        if (signal.aborted) throw new AbortError(err instanceof Error ? err : String(err));
        // A 2xx that is not JSON (the layer below): retried like a 5xx when replaying is safe.
        if (err instanceof TransportFailure) throw err.outcomeUnknown ? new AbortError(err) : err;
        const failure: FailureKind = err instanceof RequestTimeoutError ? 'timeout' : 'network';
        const neverSent = failure === 'network' && NEVER_SENT_CODES.has(networkCode(err) ?? '');
        const unknown = !idempotent && !neverSent;
        const failed = new TransportFailure({ failure, outcomeUnknown: unknown, detail: sanitizedDetail(err) });
        throw unknown ? new AbortError(failed) : failed;
      }
      // Refusals: the request was not carried out, so replaying it is safe. A 503 is Webex's
      // "Service Unavailable: Server is overloaded with requests. Try again later." (the 503 response of
      // every operation in the official Webex OpenAPI specs, e.g. webex-admin.json;
      // RFC 9110 §15.6.4: unable to handle the request); a 423 that names a Retry-After is a lock.
      const refused =
        response.status === 429 ||
        response.status === 503 ||
        (response.status === 423 && parseRetryAfter(response.headers.get('retry-after'), Infinity) !== undefined);
      if (!refused && !isRetryableStatus(response.status)) return response;
      const unknown = !idempotent && !refused;
      const apiError = new TransportFailure({
        failure: 'http_status',
        status: response.status,
        trackingIdHeader: response.headers.get('trackingid') ?? undefined,
        body: await response.text().catch(() => ''),
        outcomeUnknown: unknown,
      });
      // A 429 here means the throttle layer spent the call's wait budget: sending again would only
      // spend more of it, and the attempts are for failures, not for the org's pacing.
      throw unknown || response.status === 429 ? new AbortError(apiError) : apiError;
    };

    return pRetry(once, {
      retries: options.retries,
      factor: 2,
      minTimeout: options.minDelayMs,
      maxTimeout: options.maxDelayMs,
      randomize: true,
      signal,
      onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
        onStage?.(signal, 'back-off');
        if (retriesLeft <= 0 || !(error instanceof TransportFailure)) return;
        onEvent?.({
          type: 'retry',
          method,
          path,
          attempt: attemptNumber,
          retriesLeft,
          status: error.status,
          failure: error.failure,
          trackingId: error.trackingId,
        });
      },
    });
  };
}
