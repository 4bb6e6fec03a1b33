import pRetry, { AbortError } from 'p-retry';
import { isRetryableStatus, parseErrorBody, WebexApiError, type FailureKind } from '../errors.js';
import type { RatePacer } from './pacer.js';
import type { RateGate } from './rate-gate.js';
import { parseRetryAfter } from './retry-after.js';
import { RequestTimeoutError } from './timeout.js';
import type { EventSink, FetchFn } from './types.js';

export interface RetryOptions {
  /** Retries after the first attempt (so at most retries + 1 attempts). */
  retries: number;
  minDelayMs: number;
  maxDelayMs: number;
  /** Upper bound for a server-sent Retry-After. */
  maxRetryAfterMs: number;
  /** Pause applied on a 429 that carries no Retry-After. */
  defaultRateLimitPauseMs: number;
  gate: RateGate;
  /** Optional shared pacing learnt from 429s. */
  pacer?: RatePacer | undefined;
  onEvent?: EventSink | undefined;
}

const attemptsByResponse = new WeakMap<Response, number>();

/** How many attempts produced this response (1 when it came first time). */
export function attemptsOf(response: Response): number {
  return attemptsByResponse.get(response) ?? 1;
}

/**
 * Replaying these can never apply a change twice. POST `/actions/.../invoke` endpoints are
 * read-only checks (validateExtensions). PATCH /licenses/users and POST creates are not.
 */
export function isIdempotent(method: string, path: string): boolean {
  if (['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'].includes(method)) return true;
  return method === 'POST' && /\/actions\/[^/]+\/invoke$/.test(path);
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
 * Bounded retries with exponential back-off and jitter for 429, 5xx, timeouts and network errors;
 * Retry-After feeds the shared gate. A non-idempotent request whose outcome is unknown (5xx,
 * timeout, dropped connection) is never replayed: it fails with `outcomeUnknown` so the caller
 * can look up before trying again. A 429 or 423 is a refusal, so replaying it is safe.
 */
export function withRetry(next: FetchFn, options: RetryOptions): FetchFn {
  const { gate, pacer, onEvent } = options;
  return async (request) => {
    const method = request.method.toUpperCase();
    const path = new URL(request.url).pathname;
    const idempotent = isIdempotent(method, path);
    const body = request.body ? await request.arrayBuffer() : undefined;
    let attempt = 0;

    const once = async (): Promise<Response> => {
      attempt += 1;
      await gate.wait(request.signal);
      await pacer?.acquire(request.signal);
      const started = performance.now();
      let response: Response;
      try {
        response = await next(new Request(request.url, { method, headers: request.headers, body, signal: request.signal }));
      } catch (err) {
        if (request.signal.aborted) throw new AbortError(err instanceof Error ? err : String(err));
        const failure: FailureKind = err instanceof RequestTimeoutError ? 'timeout' : 'network';
        const neverSent = failure === 'network' && NEVER_SENT_CODES.has(networkCode(err) ?? '');
        const unknown = !idempotent && !neverSent;
        const apiError = new WebexApiError({
          method,
          path,
          failure,
          attempts: attempt,
          outcomeUnknown: unknown,
          detail: sanitizedDetail(err),
        });
        throw unknown ? new AbortError(apiError) : apiError;
      }
      const trackingId = response.headers.get('trackingid') ?? undefined;
      onEvent?.({ type: 'response', method, path, status: response.status, attempt, durationMs: performance.now() - started });

      if (response.status === 429) pacer?.rateLimited();
      else pacer?.accepted();
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), options.maxRetryAfterMs);
      const refused = response.status === 429 || (response.status === 423 && retryAfterMs !== undefined);
      if (response.status === 429 || (retryAfterMs !== undefined && (response.status === 503 || response.status === 423))) {
        const pauseMs = retryAfterMs ?? options.defaultRateLimitPauseMs;
        gate.pause(pauseMs);
        onEvent?.({ type: 'rate_limited', method, path, retryAfterMs: pauseMs });
      }
      if (!refused && !isRetryableStatus(response.status)) {
        if (response.ok) await assertJsonParses(response, { method, path, attempt, idempotent, trackingId });
        attemptsByResponse.set(response, attempt);
        return response;
      }
      const parsed = parseErrorBody(await response.text().catch(() => ''));
      const unknown = !idempotent && !refused;
      const apiError = new WebexApiError({
        method,
        path,
        failure: 'http_status',
        status: response.status,
        trackingId: trackingId ?? parsed.trackingId,
        webexMessage: parsed.message,
        errorCodes: parsed.errorCodes,
        attempts: attempt,
        outcomeUnknown: unknown,
      });
      throw unknown ? new AbortError(apiError) : apiError;
    };

    try {
      return await pRetry(once, {
        retries: options.retries,
        factor: 2,
        minTimeout: options.minDelayMs,
        maxTimeout: options.maxDelayMs,
        randomize: true,
        signal: request.signal,
        onFailedAttempt: ({ error, retriesLeft }) => {
          if (retriesLeft <= 0 || !(error instanceof WebexApiError)) return;
          onEvent?.({
            type: 'retry',
            method,
            path,
            attempt,
            retriesLeft,
            status: error.status,
            failure: error.failure,
            trackingId: error.trackingId,
          });
        },
      });
    } catch (err) {
      // p-retry hands back the error wrapped by AbortError; callers only ever see WebexApiError.
      const inner = err instanceof AbortError ? (err as AbortError & { originalError?: unknown }).originalError ?? err : err;
      throw inner;
    }
  };
}

/**
 * A 2xx whose JSON body does not parse is an invalid response, not a transport fault: no retry.
 * For a create it also means the id is unknown, so the caller must look the entity up.
 */
async function assertJsonParses(
  response: Response,
  ctx: { method: string; path: string; attempt: number; idempotent: boolean; trackingId: string | undefined },
): Promise<void> {
  if (!(response.headers.get('content-type') ?? '').includes('json')) return;
  const text = await response.clone().text();
  if (text.trim() === '') return;
  try {
    JSON.parse(text);
  } catch {
    throw new AbortError(
      new WebexApiError({
        method: ctx.method,
        path: ctx.path,
        failure: 'invalid_body',
        status: response.status,
        trackingId: ctx.trackingId,
        attempts: ctx.attempt,
        outcomeUnknown: !ctx.idempotent,
        detail: 'response body is not valid JSON',
      }),
    );
  }
}
