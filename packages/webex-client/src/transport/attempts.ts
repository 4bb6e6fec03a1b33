/**
 * How many attempts a call has made, carried beside its objects rather than in headers (headers
 * go to Webex): on the call's signal (for the deadline's error), on each attempt's request (for
 * its events) and on the response the caller gets (for errors raised after the transport).
 */
const attempts = new WeakMap<AbortSignal | Request | Response, number>();

export function noteAttempts<T extends AbortSignal | Request | Response>(carrier: T, count: number): T {
  attempts.set(carrier, count);
  return carrier;
}

/** 1 for anything no retry layer has counted: it came, or went, first time. */
export function attemptsOf(carrier: AbortSignal | Request | Response): number {
  return attempts.get(carrier) ?? 1;
}
