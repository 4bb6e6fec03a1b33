import type { Middleware } from 'openapi-fetch';
import { parseErrorBody, WebexApiError, type WebexApiErrorInit } from './errors.js';
import { requiredFields } from './required-fields.js';
import type { CallContext } from './transport/call-context.js';
import { TransportFailure } from './transport/failure.js';
import { parsedJsonOf } from './transport/json-body.js';

/**
 * The one place a `WebexApiError` is built. An openapi-fetch middleware on every raw client, so
 * the raw clients and the typed operations share one contract:
 *
 * - a 2xx resolves `{ data, response }`; one lacking a field the operation's callers rely on
 *   (`required-fields.ts`, keyed on the schema path) is `missing_fields`;
 * - everything else rejects with `WebexApiError`: a non-2xx answer (`http_status`, 404 and 503
 *   alike), and every failure the transport reports (`TransportFailure`: timeout, network,
 *   invalid_body, a 5xx or 429 it stopped retrying).
 *
 * Errors name the operation by its schema path (`GET /people/{personId}`), never by its URL, so
 * they carry no ids or queries; the attempt count is the call's own (`CallContext`), found by the
 * Request openapi-fetch sent.
 */
export function webexErrorMiddleware(callOf: (request: Request) => CallContext | undefined): Middleware {
  const attemptsOf = (request: Request): number => callOf(request)?.attempt ?? 1;
  return {
    async onResponse({ request, response, schemaPath }) {
      const method = request.method.toUpperCase();
      if (!response.ok) {
        const body = await response.text().catch(() => '');
        throw fromAnswer({
          method,
          path: schemaPath,
          status: response.status,
          trackingIdHeader: header(response),
          body,
          attempts: attemptsOf(request),
        });
      }
      const missing = requiredFields(method, schemaPath).filter((field) => !fieldPresent(parsedJsonOf(response), field));
      if (missing.length > 0) {
        throw build({
          method,
          path: schemaPath,
          failure: 'missing_fields',
          status: response.status,
          trackingId: header(response),
          attempts: attemptsOf(request),
          detail: `response lacks ${missing.join(', ')}`,
        });
      }
      return undefined;
    },
    onError({ request, error, schemaPath }) {
      if (!(error instanceof TransportFailure)) return undefined; // the caller's own abort, a bug: as thrown
      const method = request.method.toUpperCase();
      const attempts = attemptsOf(request);
      if (error.failure === 'http_status') {
        return fromAnswer({
          method,
          path: schemaPath,
          status: error.status,
          trackingIdHeader: error.trackingIdHeader,
          body: error.body,
          attempts,
          outcomeUnknown: error.outcomeUnknown,
        });
      }
      return build({
        method,
        path: schemaPath,
        failure: error.failure,
        status: error.status,
        trackingId: error.trackingIdHeader,
        attempts,
        outcomeUnknown: error.outcomeUnknown,
        detail: error.detail,
      });
    },
  };
}

/** A list call followed more pages than `maxPages` (`paginate.ts`); `label` is `METHOD /schema/path`. */
export function pageBoundError(label: string, maxPages: number): WebexApiError {
  const [method = 'GET', path = label] = label.split(' ');
  return build({
    method,
    path,
    failure: 'page_bound',
    attempts: 1,
    detail: `more than ${maxPages} pages; raise maxPages if this org really is that large`,
  });
}

interface Answer {
  method: string;
  path: string;
  status: number | undefined;
  trackingIdHeader: string | undefined;
  body: string | undefined;
  attempts: number;
  outcomeUnknown?: boolean;
}

/** An error answer: the Webex message, error codes and trackingId (header first, else the body's). */
function fromAnswer({ method, path, status, trackingIdHeader, body, attempts, outcomeUnknown }: Answer): WebexApiError {
  const parsed = parseErrorBody(body ?? '');
  return build({
    method,
    path,
    failure: 'http_status',
    status,
    trackingId: trackingIdHeader ?? parsed.trackingId,
    webexMessage: parsed.message,
    errorCodes: parsed.errorCodes,
    attempts,
    outcomeUnknown,
  });
}

function build(init: WebexApiErrorInit): WebexApiError {
  return new WebexApiError(init);
}

function header(response: Response): string | undefined {
  return response.headers.get('trackingid') ?? undefined;
}

function fieldPresent(data: unknown, path: string): boolean {
  let node: unknown = data;
  for (const key of path.split('.')) {
    if (typeof node !== 'object' || node === null || !(key in node)) return false;
    node = (node as Record<string, unknown>)[key];
  }
  return node !== undefined && node !== null;
}
