import { freshRequest } from './fresh-request.js';
import { isHedgeable, isIdempotent } from './idempotency.js';
import { linkedAbort } from './linked-abort.js';
import { requestLine } from './request-line.js';
import { RequestTimeoutError } from './timeout.js';
import type { EventSink, FetchFn } from './types.js';

export interface HedgeOptions {
  /**
   * A request that cannot be hedged (a create, a licence assignment) is given up as "outcome
   * unknown" after this many times the typical latency, at least `minPatienceMs` and never later
   * than the request timeout, so the caller looks it up instead of idling the run.
   */
  patienceFactor: number;
  minPatienceMs: number;
  /** Never hedge sooner than this. */
  minDelayMs: number;
  /** Hedge after this many times the typical latency. */
  factor: number;
  onEvent?: EventSink | undefined;
}

/**
 * Tail-latency hedging ("The Tail at Scale"): an idempotent request still unanswered long after
 * the typical latency gets one identical second request; the first answer wins and the other is
 * cancelled. A hung connection then costs about a second, not a whole request timeout, and a
 * phase is not held back by its slowest row. Creates and licence assignments are never hedged;
 * they are given up early instead (see `patienceFactor`), which the retry layer reports as an
 * unknown outcome so the caller looks the entity up before trying again. A full replacement of a
 * person is not hedged either (see `isHedgeable`); it waits out the request timeout like any call.
 */
export function withHedging(next: FetchFn, options: HedgeOptions): FetchFn {
  let typicalMs: number | undefined;
  const learn = (ms: number) => {
    typicalMs = typicalMs === undefined ? ms : typicalMs * 0.95 + ms * 0.05;
  };
  return async (request, callerSignal) => {
    const signal = callerSignal ?? request.signal;
    const { method, path } = requestLine(request);
    const body = request.body ? await request.arrayBuffer() : undefined;
    const leg = (cancel: { signal: AbortSignal; release: () => void }) => {
      const started = performance.now();
      return next(freshRequest(request, body), cancel.signal).then(
        (response) => {
          cancel.release();
          learn(performance.now() - started);
          return response;
        },
        (error: unknown) => {
          cancel.release();
          throw error;
        },
      );
    };
    if (!isHedgeable(method, path) || typicalMs === undefined) {
      const started = performance.now();
      const patience =
        typicalMs === undefined || isIdempotent(method, path) ? undefined : Math.max(options.minPatienceMs, typicalMs * options.patienceFactor);
      const limit = linkedAbort(signal, patience, () => new RequestTimeoutError(Math.round(patience ?? 0)));
      try {
        const response = await Promise.race([limit.whenAborted, next(freshRequest(request, body), limit.signal)]);
        learn(performance.now() - started);
        return response;
      } finally {
        limit.release();
      }
    }
    const delay = Math.max(options.minDelayMs, typicalMs * options.factor);
    const first = linkedAbort(signal);
    const second = linkedAbort(signal);
    const firstLeg = { cancel: () => first.abort() };
    const secondLeg = { cancel: () => second.abort() };
    return new Promise<Response>((resolve, reject) => {
      let done = false;
      let running = 1;
      let firstError: unknown;
      const won = (loser: { cancel: () => void }) => (response: Response) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        loser.cancel();
        resolve(response);
      };
      const failed = (error: unknown) => {
        if (done) return;
        firstError ??= error;
        if (--running > 0) return; // the other leg may still answer
        done = true;
        clearTimeout(timer);
        reject(firstError);
      };
      const timer = setTimeout(() => {
        if (done) return;
        running++;
        options.onEvent?.({ type: 'hedge', method, path, afterMs: Math.round(delay) });
        leg(second).then(won(firstLeg), failed);
      }, delay);
      leg(first).then(won(secondLeg), failed);
    });
  };
}
