import type { StageSink } from './diagnostics.js';
import { freshRequest } from './fresh-request.js';
import type { RateController } from './rate-controller.js';
import { parseRetryAfter } from './retry-after.js';
import { requestLine } from './request-line.js';
import type { EventSink, FetchFn } from './types.js';

export interface ThrottleOptions {
  /** The client's rate controller (shared by clients that share a token). */
  rate: RateController;
  /** Upper bound for a server-sent Retry-After. */
  maxRetryAfterMs: number;
  /** Pause applied on a 429 that carries no Retry-After. */
  defaultRateLimitPauseMs: number;
  /**
   * How long one call may spend waiting out 429s, pauses and pace included. A 429 is the org
   * asking us to slow down, not a failure, so it is not counted against the retries; this budget
   * is what still bounds a call that the org keeps refusing. When it is spent the 429 is the answer.
   */
  waitBudgetMs: number;
  onEvent?: EventSink | undefined;
  onStage?: StageSink | undefined;
}

/**
 * Rate control for each request: it leaves when the controller allows (after any shared pause,
 * at the pace), its answer feeds the controller, and a 429 is waited out and sent again here,
 * within the wait budget, so only real answers reach the retry layer.
 */
export function withThrottle(next: FetchFn, options: ThrottleOptions): FetchFn {
  const { rate, onEvent, onStage } = options;
  // The budget is the call's, across the retry layer's attempts: each attempt arrives with the
  // call's own signal (the deadline layer's), so the first one's start is kept under it.
  const callStarted = new WeakMap<AbortSignal, number>();
  return async (request, callerSignal, call) => {
    const signal = callerSignal ?? request.signal;
    const body = request.body ? await request.arrayBuffer() : undefined;
    let started = callStarted.get(signal);
    if (started === undefined) {
      started = performance.now();
      callStarted.set(signal, started);
    }
    for (;;) {
      onStage?.(signal, rate.pausedUntil > Date.now() ? 'rate-limit pause' : 'pacing');
      const ticket = await rate.acquire(signal);
      // The waits return without looking at the signal when there was nothing to wait for.
      signal.throwIfAborted();
      onStage?.(signal, 'request');
      const sent = performance.now();
      const response = await next(freshRequest(request, body), signal, call);
      const askedMs = parseRetryAfter(response.headers.get('retry-after'), Infinity);
      const retryAfterMs = askedMs === undefined ? undefined : Math.min(askedMs, options.maxRetryAfterMs);
      const verdict = rate.settle(ticket, response.status, retryAfterMs, options.defaultRateLimitPauseMs);
      if (response.status !== 429) {
        if (response.status < 500) rate.latency(performance.now() - sent);
        return response;
      }
      onEvent?.({
        type: 'rate_limited',
        ...requestLine(request),
        retryAfterMs: retryAfterMs ?? options.defaultRateLimitPauseMs,
        newStorm: verdict.newStorm,
      });
      // Give up now when the wait the org asks for (or the pause in force) does not fit in what is
      // left of the budget: waiting part of it only to be refused again helps nobody.
      if (performance.now() - started + Math.max(verdict.pauseMs, askedMs ?? 0) > options.waitBudgetMs) return response;
      await response.body?.cancel().catch(() => undefined);
    }
  };
}
