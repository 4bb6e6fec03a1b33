import type { CallContext } from './call-context.js';

/**
 * The one request function every transport layer wraps. openapi-fetch calls it with a Request;
 * layers pass cancellation as the second argument instead of re-creating Requests with a signal
 * (each such Request registers listeners and weak references that V8 reclaims only lazily: at
 * 21,000 rows that held hundreds of MB). The third argument is the call's own `CallContext`
 * (its attempt count), handed down as explicitly as the signal.
 */
export type FetchFn = (request: Request, signal?: AbortSignal, call?: CallContext) => Promise<Response>;

/** What the client reports as it works; the runner logs these and the executor adapts to them. */
export type ClientEvent =
  | { type: 'request'; method: string; path: string; attempt: number }
  /** A second, identical request sent because the first was unusually slow (counts as a request). */
  | { type: 'hedge'; method: string; path: string; afterMs: number }
  | { type: 'response'; method: string; path: string; status: number; attempt: number; durationMs: number }
  | {
      type: 'retry';
      method: string;
      path: string;
      attempt: number;
      retriesLeft: number;
      status?: number | undefined;
      failure: string;
      trackingId?: string | undefined;
    }
  /** A 429 (waited out and sent again by the client); `newStorm` is false for the other 429s of a storm already being waited out. */
  | { type: 'rate_limited'; method: string; path: string; retryAfterMs: number; newStorm: boolean };

export type EventSink = (event: ClientEvent) => void;
