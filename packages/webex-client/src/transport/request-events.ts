import { requestLine } from './request-line.js';
import type { EventSink, FetchFn } from './types.js';

/**
 * `request` and `response` events for each request as it leaves and as its answer comes back.
 * It sits inside the rate control, so a call given up while waiting there reports no request.
 */
export function withRequestEvents(next: FetchFn, onEvent: EventSink): FetchFn {
  return async (request, signal, call) => {
    const { method, path } = requestLine(request);
    const attempt = call?.attempt ?? 1;
    onEvent({ type: 'request', method, path, attempt });
    const started = performance.now();
    const response = await next(request, signal, call);
    onEvent({ type: 'response', method, path, status: response.status, attempt, durationMs: performance.now() - started });
    return response;
  };
}
