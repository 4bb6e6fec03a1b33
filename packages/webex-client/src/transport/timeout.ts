import { linkedAbort } from './linked-abort.js';
import { copyResponse } from './response-copy.js';
import type { FetchFn } from './types.js';

/** Raised by the timeout layer; the retry layer turns it into a `timeout` failure. */
export class RequestTimeoutError extends Error {
  override name = 'RequestTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`no complete response within ${timeoutMs} ms`);
  }
}

/**
 * Bounds each attempt (headers and body) with its own deadline, combined with the caller's
 * signal so a caller abort still wins.
 */
export function withTimeout(next: FetchFn, requestTimeoutMs: number): FetchFn {
  return async (request, callerSignal, call) => {
    const signal = callerSignal ?? request.signal;
    const deadline = linkedAbort(signal, requestTimeoutMs, () => new RequestTimeoutError(requestTimeoutMs));
    try {
      const response = await Promise.race([deadline.whenAborted, next(request, deadline.signal, call)]);
      // The body is read later by the caller; buffer it now so the deadline covers it too.
      const body = await Promise.race([deadline.whenAborted, response.arrayBuffer()]);
      return buffered(response, body);
    } catch (err) {
      if (deadline.timedOut() && !signal.aborted) throw new RequestTimeoutError(requestTimeoutMs);
      throw err;
    } finally {
      deadline.release();
    }
  };
}

/** A Response with the bytes already read. */
function buffered(original: Response, body: ArrayBuffer): Response {
  const empty = body.byteLength === 0 || original.status === 204 || original.status === 304;
  return copyResponse(original, (init) => new Response(empty ? null : body, init));
}
