import { scrubCredentials } from './redact.js';

/**
 * How a failed call should be treated by a caller. `retryable` failures were already retried by
 * the client as far as it safely could; the rest were not retried at all.
 */
export type ErrorClassification = 'retryable' | 'non_retryable' | 'auth_invalid' | 'permission_denied' | 'invalid_response_schema';

/** What went wrong, mechanically. */
export type FailureKind = 'http_status' | 'timeout' | 'network' | 'invalid_body' | 'missing_fields' | 'page_bound';

export interface WebexApiErrorInit {
  method: string;
  path: string;
  failure: FailureKind;
  status?: number | undefined;
  trackingId?: string | undefined;
  webexMessage?: string | undefined;
  errorCodes?: number[] | undefined;
  attempts: number;
  outcomeUnknown?: boolean | undefined;
  detail?: string | undefined;
}

/**
 * The one error every Webex call throws. It never carries request headers, so the token cannot
 * leak through it; `detail` holds only sanitised text. What the server said (`webexMessage`) and
 * `detail` are scrubbed of `Bearer <token>` and URL credentials, so a server or proxy that reflects
 * the Authorization header in its error cannot put the token into the message.
 */
export class WebexApiError extends Error {
  override name = 'WebexApiError';
  readonly method: string;
  /** URL path without query string (queries can carry e-mail addresses). */
  readonly path: string;
  readonly failure: FailureKind;
  readonly status: number | undefined;
  readonly trackingId: string | undefined;
  readonly webexMessage: string | undefined;
  readonly errorCodes: number[];
  readonly attempts: number;
  /**
   * True when a non-idempotent call (create, licence assignment) may or may not have been applied:
   * the caller must look the entity up before trying again.
   */
  readonly outcomeUnknown: boolean;
  readonly classification: ErrorClassification;

  constructor(given: WebexApiErrorInit) {
    const init = { ...given, webexMessage: scrubOptional(given.webexMessage), detail: scrubOptional(given.detail) };
    super(describe(init));
    this.method = init.method;
    this.path = init.path;
    this.failure = init.failure;
    this.status = init.status;
    this.trackingId = init.trackingId;
    this.webexMessage = init.webexMessage;
    this.errorCodes = init.errorCodes ?? [];
    this.attempts = init.attempts;
    this.outcomeUnknown = init.outcomeUnknown ?? false;
    this.classification = classify(init.failure, init.status);
  }

  get retryable(): boolean {
    return this.classification === 'retryable';
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      method: this.method,
      path: this.path,
      failure: this.failure,
      status: this.status,
      trackingId: this.trackingId,
      webexMessage: this.webexMessage,
      errorCodes: this.errorCodes,
      attempts: this.attempts,
      outcomeUnknown: this.outcomeUnknown,
      classification: this.classification,
    };
  }
}

function scrubOptional(text: string | undefined): string | undefined {
  return text === undefined ? undefined : scrubCredentials(text);
}

export function classify(failure: FailureKind, status: number | undefined): ErrorClassification {
  switch (failure) {
    case 'timeout':
    case 'network':
      return 'retryable';
    case 'invalid_body':
    case 'missing_fields':
      return 'invalid_response_schema';
    case 'page_bound':
      return 'non_retryable';
    case 'http_status':
      if (status === 401) return 'auth_invalid';
      if (status === 403) return 'permission_denied';
      if (status !== undefined && isRetryableStatus(status)) return 'retryable';
      return 'non_retryable';
  }
}

export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599);
}

function describe(init: WebexApiErrorInit): string {
  const what = `${init.method} ${init.path}`;
  const parts: string[] = [];
  if (init.failure === 'http_status') parts.push(`HTTP ${init.status ?? '?'}`);
  else parts.push(init.failure.replace('_', ' '));
  if (init.webexMessage) parts.push(init.webexMessage);
  if (init.detail) parts.push(init.detail);
  if (init.errorCodes?.length) parts.push(`errorCodes ${init.errorCodes.join(',')}`);
  parts.push(`after ${init.attempts} attempt${init.attempts === 1 ? '' : 's'}`);
  if (init.trackingId) parts.push(`trackingId ${init.trackingId}`);
  const head = init.outcomeUnknown
    ? `${what}: outcome unknown (the request may have been applied; look up before trying again)`
    : `${what} failed`;
  return `${head}: ${parts.join('; ')}`;
}

export interface WebexErrorBody {
  message?: string;
  errorCodes: number[];
  trackingId?: string;
}

/** Webex error bodies are `{message, errors:[{errorCode, description}], trackingId}` when present. */
export function parseErrorBody(body: unknown): WebexErrorBody {
  if (typeof body === 'string') {
    try {
      return parseErrorBody(JSON.parse(body) as unknown);
    } catch {
      // Scrubbed before it is cut, so a cut cannot leave half a `Bearer <token>` unrecognisable.
      return { errorCodes: [], ...(body ? { message: scrubCredentials(body).slice(0, 200) } : {}) };
    }
  }
  if (typeof body !== 'object' || body === null) return { errorCodes: [] };
  const b = body as Record<string, unknown>;
  const errors = Array.isArray(b.errors) ? (b.errors as unknown[]) : [];
  const codes = new Set<number>();
  if (typeof b.errorCode === 'number') codes.add(b.errorCode);
  const descriptions: string[] = [];
  for (const e of errors) {
    if (typeof e !== 'object' || e === null) continue;
    const { errorCode, description } = e as Record<string, unknown>;
    if (typeof errorCode === 'number') codes.add(errorCode);
    if (typeof description === 'string') descriptions.push(description);
  }
  const message = typeof b.message === 'string' ? b.message : descriptions[0];
  return {
    errorCodes: [...codes],
    ...(message ? { message } : {}),
    ...(typeof b.trackingId === 'string' ? { trackingId: b.trackingId } : {}),
  };
}
