import { WebexApiError, parseErrorBody } from './errors.js';
import { attemptsOf } from './transport/attempts.js';

/** The part of an openapi-fetch result every operation needs. */
export interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** `METHOD /path/{template}` of the operation: used in errors so they never carry ids or queries. */
export type OperationLabel = `${'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'} /${string}`;

function split(label: OperationLabel): { method: string; path: string } {
  const space = label.indexOf(' ');
  return { method: label.slice(0, space), path: label.slice(space + 1) };
}

function fieldPresent(data: unknown, path: string): boolean {
  let node: unknown = data;
  for (const key of path.split('.')) {
    if (typeof node !== 'object' || node === null || !(key in node)) return false;
    node = (node as Record<string, unknown>)[key];
  }
  return node !== undefined && node !== null;
}

/**
 * Turns an openapi-fetch result into data or a WebexApiError: a non-2xx becomes a typed error with
 * the Webex message, codes and trackingId; a 2xx lacking a field the caller relies on becomes
 * `invalid_response_schema` (term sheet 13.2).
 */
export async function expectOk<T>(
  label: OperationLabel,
  pending: Promise<FetchResult<T>>,
  required: readonly string[] = [],
): Promise<{ data: T; response: Response }> {
  const { method, path } = split(label);
  const { data, error, response } = await pending;
  const trackingId = response.headers.get('trackingid') ?? undefined;
  if (!response.ok) {
    const parsed = parseErrorBody(error);
    throw new WebexApiError({
      method,
      path,
      failure: 'http_status',
      status: response.status,
      trackingId: trackingId ?? parsed.trackingId,
      webexMessage: parsed.message,
      errorCodes: parsed.errorCodes,
      attempts: attemptsOf(response),
    });
  }
  const missing = required.filter((field) => !fieldPresent(data, field));
  if (missing.length > 0) {
    throw new WebexApiError({
      method,
      path,
      failure: 'missing_fields',
      status: response.status,
      trackingId,
      attempts: attemptsOf(response),
      detail: `response lacks ${missing.join(', ')}`,
    });
  }
  return { data: data as T, response };
}

/** For calls that answer 204 (or whose body we do not need): checks the status only. */
export async function expectNoContent(label: OperationLabel, pending: Promise<FetchResult<unknown>>): Promise<Response> {
  return (await expectOk(label, pending)).response;
}
