/** The one request function every transport layer wraps, as openapi-fetch calls it. */
export type FetchFn = (request: Request) => Promise<Response>;

/** What the client reports as it works; the runner logs these and the executor adapts to them. */
export type ClientEvent =
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
  | { type: 'rate_limited'; method: string; path: string; retryAfterMs: number };

export type EventSink = (event: ClientEvent) => void;
