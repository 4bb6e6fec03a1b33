import { freshRequest } from './fresh-request.js';
import { isHedgeable, isIdempotent } from './idempotency.js';
import { linkedAbort } from './linked-abort.js';
import type { RateController } from './rate-controller.js';
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
  /** Where the typical latency comes from, and whose pace a second copy must fit in. */
  rate: RateController;
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
 * The typical latency is the rate controller's, and a second copy waits for its pace slot like
 * any request, so hedging never pushes the org past its limit.
 */
export function withHedging(next: FetchFn, options: HedgeOptions): FetchFn {
  const { rate } = options;
  return async (request, callerSignal, call) => {
    const typicalMs = rate.typicalLatencyMs;
    const signal = callerSignal ?? request.signal;
    const { method, path } = requestLine(request);
    const body = request.body ? await request.arrayBuffer() : undefined;
    const leg = (cancel: { signal: AbortSignal; release: () => void }) => {
      return next(freshRequest(request, body), cancel.signal, call).then(
        (response) => {
          cancel.release();
          return response;
        },
        (error: unknown) => {
          cancel.release();
          throw error;
        },
      );
    };
    if (!isHedgeable(method, path) || typicalMs === undefined) {
      const patience =
        typicalMs === undefined || isIdempotent(method, path)
          ? undefined
          : Math.max(options.minPatienceMs, typicalMs * options.patienceFactor);
      const limit = linkedAbort(signal, patience, () => new RequestTimeoutError(Math.round(patience ?? 0)));
      try {
        return await Promise.race([limit.whenAborted, next(freshRequest(request, body), limit.signal, call)]);
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
        secondLeg.cancel(); // a copy still waiting for its pace slot takes none
        reject(firstError);
      };
      const timer = setTimeout(() => {
        if (done) return;
        // The copy is a request like any other: it waits for its pace slot, so a hedge never pushes
        // the org past its limit (and is not dropped when the pace is full).
        running++;
        rate.acquire(second.signal).then(
          () => {
            if (done) return;
            options.onEvent?.({ type: 'hedge', method, path, afterMs: Math.round(delay) });
            leg(second).then(won(firstLeg), failed);
          },
          () => {
            if (!done) failed(second.signal.reason);
          },
        );
      }, delay);
      leg(first).then(won(secondLeg), failed);
    });
  };
}
