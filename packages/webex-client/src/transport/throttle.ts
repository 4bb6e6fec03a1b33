import type { StageSink } from './diagnostics.js';
import type { RatePacer } from './pacer.js';
import type { RateGate } from './rate-gate.js';
import { parseRetryAfter } from './retry-after.js';
import { requestLine } from './request-line.js';
import type { EventSink, FetchFn } from './types.js';

export interface ThrottleOptions {
  /** The pause every caller of the client shares after a 429. */
  gate: RateGate;
  /** Pacing learnt from 429s; absent when pacing is off. */
  pacer?: RatePacer | undefined;
  /** Upper bound for a server-sent Retry-After. */
  maxRetryAfterMs: number;
  /** Pause applied on a 429 that carries no Retry-After. */
  defaultRateLimitPauseMs: number;
  onEvent?: EventSink | undefined;
  onStage?: StageSink | undefined;
}

/**
 * Client-wide rate control for each request: it leaves only once the shared pause is over and the
 * learnt pace allows, and its answer feeds both (a 429, or a Retry-After on 503/423, pauses every
 * caller). Whether to send it again is the retry layer's business, not this one's.
 */
export function withThrottle(next: FetchFn, options: ThrottleOptions): FetchFn {
  const { gate, pacer, onEvent, onStage } = options;
  return async (request, callerSignal) => {
    const signal = callerSignal ?? request.signal;
    onStage?.(signal, 'rate-limit pause');
    await gate.wait(signal);
    onStage?.(signal, 'pacing');
    await pacer?.acquire(signal);
    // The waits return without looking at the signal when there was nothing to wait for.
    signal.throwIfAborted();
    onStage?.(signal, 'request');
    const response = await next(request, signal);
    if (response.status === 429) pacer?.rateLimited();
    else pacer?.accepted();
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), options.maxRetryAfterMs);
    if (response.status === 429 || (retryAfterMs !== undefined && (response.status === 503 || response.status === 423))) {
      const pauseMs = retryAfterMs ?? options.defaultRateLimitPauseMs;
      gate.pause(pauseMs);
      onEvent?.({ type: 'rate_limited', ...requestLine(request), retryAfterMs: pauseMs });
    }
    return response;
  };
}
