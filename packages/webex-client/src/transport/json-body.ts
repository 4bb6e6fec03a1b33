import { TransportFailure } from './failure.js';
import { isIdempotent } from './idempotency.js';
import { requestLine } from './request-line.js';
import { copyResponse } from './response-copy.js';
import type { FetchFn } from './types.js';

/** A Response whose json() hands back the value this layer already parsed instead of parsing again. */
class ParsedJsonResponse extends Response {
  readonly #value: unknown;

  constructor(value: unknown, body: ArrayBuffer, init: ResponseInit) {
    super(body.byteLength === 0 ? null : body, init);
    this.#value = value;
  }

  get value(): unknown {
    return this.#value;
  }

  override json(): Promise<unknown> {
    return Promise.resolve(this.#value);
  }
}

/** The value this layer parsed from a 2xx body (undefined for one it did not parse: 204, empty, not a 2xx). */
export function parsedJsonOf(response: Response): unknown {
  return response instanceof ParsedJsonResponse ? response.value : undefined;
}

/**
 * Parses a 2xx body once, here, so a body that is not JSON is an `invalid_body` error rather than
 * a SyntaxError from openapi-fetch. It sits inside the retry layer: a GET answered that way is
 * retried like a 5xx; for a create it means the outcome is unknown, so the caller looks it up. The Response handed on carries a true Content-Length,
 * which makes openapi-fetch read it through json() (without one it would parse text() itself).
 */
export function withJsonBody(next: FetchFn): FetchFn {
  return async (request, signal, call) => {
    const response = await next(request, signal, call);
    if (!response.ok || response.status === 204) return response;
    const body = await response.arrayBuffer();
    const text = new TextDecoder().decode(body);
    let value: unknown;
    if (text.trim() !== '') {
      // Every Webex operation answers JSON or nothing: an HTML page (a proxy, a captive portal) or
      // any other body is not an answer, whatever its content type says.
      try {
        value = JSON.parse(text);
      } catch {
        const { method, path } = requestLine(request);
        throw new TransportFailure({
          failure: 'invalid_body',
          status: response.status,
          trackingIdHeader: response.headers.get('trackingid') ?? undefined,
          outcomeUnknown: !isIdempotent(method, path),
          detail: `response body is not JSON (content-type ${response.headers.get('content-type') ?? 'none'})`,
        });
      }
    }
    const headers = new Headers(response.headers);
    headers.set('content-length', String(body.byteLength));
    return copyResponse(response, (init) => new ParsedJsonResponse(value, body, init), headers);
  };
}
