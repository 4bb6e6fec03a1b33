/**
 * An AbortController that also aborts when `parent` does, with a `release()` that detaches it.
 * Used instead of AbortSignal.any/AbortSignal.timeout: on Node 20 those hold their sources
 * weakly, and under GC pressure a request's deadline could be collected and never fire (seen as
 * requests hanging until the server gave up). Here everything is strongly held until released.
 */
export interface LinkedAbort {
  signal: AbortSignal;
  timedOut: () => boolean;
  /**
   * Rejects once the signal aborts (with `timeoutError()` when the timer fired). Race work against
   * it: an undici fetch was seen to ignore its signal and never settle, so aborting alone is not
   * enough to bound a request.
   */
  whenAborted: Promise<never>;
  abort: () => void;
  release: () => void;
}

export function linkedAbort(parent: AbortSignal, timeoutMs?: number, timeoutError?: () => Error): LinkedAbort {
  const controller = new AbortController();
  let timedOut = false;
  const onParentAbort = () => controller.abort(parent.reason);
  if (parent.aborted) controller.abort(parent.reason);
  else parent.addEventListener('abort', onParentAbort, { once: true });
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          controller.abort(new DOMException(`no response within ${timeoutMs} ms`, 'TimeoutError'));
        }, timeoutMs);
  const whenAborted = new Promise<never>((_, reject) => {
    const fail = () => reject(timedOut && timeoutError ? timeoutError() : controller.signal.reason);
    if (controller.signal.aborted) fail();
    else controller.signal.addEventListener('abort', fail, { once: true });
  });
  whenAborted.catch(() => undefined); // only ever observed through a race
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    whenAborted,
    abort: () => controller.abort(new DOMException('cancelled: the other copy answered first', 'AbortError')),
    release: () => {
      if (timer !== undefined) clearTimeout(timer);
      parent.removeEventListener('abort', onParentAbort);
    },
  };
}
