import { TransportFailure } from './failure.js';
import { isIdempotent } from './idempotency.js';
import { linkedAbort } from './linked-abort.js';
import { requestLine } from './request-line.js';
import type { FetchFn } from './types.js';

/**
 * The ceiling for one call, every attempt and wait included. Every layer inside gets one signal
 * of the call's own, aborted when the ceiling passes or the caller aborts: back-off, rate-limit
 * waits and requests all stop with it, so a call that has settled sends nothing more and leaves
 * no timer behind. The inside is raced as well, so a layer that ignored its signal still could
 * not hold the call open. A non-idempotent call given up this way has an unknown outcome.
 */
export function withDeadline(next: FetchFn, deadlineMs: number): FetchFn {
  return async (request, callerSignal, call) => {
    const { method, path } = requestLine(request);
    const ceiling = linkedAbort(
      callerSignal ?? request.signal,
      deadlineMs,
      () =>
        new TransportFailure({
          failure: 'timeout',
          outcomeUnknown: !isIdempotent(method, path),
          detail: `no outcome within the call deadline of ${deadlineMs} ms`,
        }),
    );
    try {
      return await Promise.race([ceiling.whenAborted, next(request, ceiling.signal, call)]);
    } finally {
      ceiling.release();
    }
  };
}
