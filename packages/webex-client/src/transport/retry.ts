import pRetry, { AbortError } from 'p-retry';
import { isRetryableStatus, parseErrorBody, WebexApiError, type FailureKind } from '../errors.js';
import type { RatePacer } from './pacer.js';
import type { RateGate } from './rate-gate.js';
import { parseRetryAfter } from './retry-after.js';
import { freshRequest } from './fresh-request.js';
import { isIdempotent } from './idempotency.js';
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
  /**
   * Hard ceiling for one call, all attempts and waits included: whatever stalls inside, the call
   * settles by then (as a timeout; outcome unknown for a non-idempotent call).
   */
  callDeadlineMs: number;
  /** The client's calls in progress (filled and emptied here, read for diagnostics). */
  calls?: Map<number, CallInFlight> | undefined;
  /** Optional shared pacing learnt from 429s. */
  pacer?: RatePacer | undefined;
  onEvent?: EventSink | undefined;
}

const attemptsByResponse = new WeakMap<Response, number>();

/** Where one call in progress is waiting: a diagnostic for a run that looks stuck. */
export interface CallInFlight {
  method: string;
  path: string;
  stage: string;
  attempt: number;
  since: number;
}

/** How many attempts produced this response (1 when it came first time). */
export function attemptsOf(response: Response): number {
  return attemptsByResponse.get(response) ?? 1;
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
  const { gate, pacer, onEvent, calls } = options;
  let nextCallId = 0;
  return async (request, callerSignal) => {
    const signal = callerSignal ?? request.signal;
    const method = request.method.toUpperCase();
    const path = new URL(request.url).pathname;
    const idempotent = isIdempotent(method, path);
    const body = request.body ? await request.arrayBuffer() : undefined;
    let attempt = 0;
    const callId = ++nextCallId;
    const stage = (name: string) => calls?.set(callId, { method, path, stage: name, attempt, since: Date.now() });

    const once = async (): Promise<Response> => {
      attempt += 1;
      stage('rate-limit pause');
      await gate.wait(signal);
      stage('pacing');
      await pacer?.acquire(signal);
      stage('request');
      onEvent?.({ type: 'request', method, path, attempt });
      const started = performance.now();
      let response: Response;
      try {
        response = await next(freshRequest(request, body), signal);
      } catch (err) {
        if (signal.aborted) throw new AbortError(err instanceof Error ? err : String(err));
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
      stage('response');
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

    let ceiling: NodeJS.Timeout | undefined;
    const stalled = new Promise<never>((_, reject) => {
      ceiling = setTimeout(
        () =>
          reject(
            new WebexApiError({
              method,
              path,
              failure: 'timeout',
              attempts: attempt,
              outcomeUnknown: !idempotent,
              detail: `no outcome within the call deadline of ${options.callDeadlineMs} ms`,
            }),
          ),
        options.callDeadlineMs,
      );
    });
    try {
      return await Promise.race([stalled, retried()]);
    } finally {
      clearTimeout(ceiling);
      calls?.delete(callId);
    }

    async function retried(): Promise<Response> {
      try {
        return await pRetry(once, {
          retries: options.retries,
          factor: 2,
          minTimeout: options.minDelayMs,
          maxTimeout: options.maxDelayMs,
          randomize: true,
          signal,
          onFailedAttempt: ({ error, retriesLeft }) => {
            stage('back-off');
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
