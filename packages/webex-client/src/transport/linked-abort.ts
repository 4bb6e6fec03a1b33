/**
 * An AbortController that also aborts when `parent` does, with a `release()` that detaches it.
 * Used instead of AbortSignal.any/AbortSignal.timeout: on Node 20 those hold their sources
 * weakly, and under GC pressure a request's deadline could be collected and never fire (seen as
 * requests hanging until the server gave up). Here everything is strongly held until released.
 */
export function linkedAbort(
  parent: AbortSignal,
  timeoutMs?: number,
): { signal: AbortSignal; timedOut: () => boolean; abort: () => void; release: () => void } {
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
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    abort: () => controller.abort(new DOMException('cancelled: the other copy answered first', 'AbortError')),
    release: () => {
      if (timer !== undefined) clearTimeout(timer);
      parent.removeEventListener('abort', onParentAbort);
    },
  };
}
