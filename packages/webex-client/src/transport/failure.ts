import { parseErrorBody, type FailureKind } from '../errors.js';

export interface TransportFailureInit {
  failure: FailureKind;
  /** The request may have been applied (a non-idempotent call with no answer, a 5xx or a body that is not JSON). */
  outcomeUnknown: boolean;
  /** HTTP status of the answer that ended the call, when there was one. */
  status?: number | undefined;
  /** The `trackingid` header of that answer. */
  trackingIdHeader?: string | undefined;
  /** Its body as text (a Webex error body, parsed once, by the error middleware). */
  body?: string | undefined;
  /** Sanitised text: what happened (a timeout, a network error code, a body that is not JSON). */
  detail?: string | undefined;
}

/**
 * How a transport layer says a call failed. Layers see a Request, not the operation, so they do
 * not build the caller's `WebexApiError`: the error middleware (`error-middleware.ts`) does, from
 * this, the operation's schema path and the call's attempt count, in one place.
 */
export class TransportFailure extends Error {
  override name = 'TransportFailure';
  readonly failure: FailureKind;
  readonly outcomeUnknown: boolean;
  readonly status: number | undefined;
  readonly trackingIdHeader: string | undefined;
  readonly body: string | undefined;
  readonly detail: string | undefined;

  constructor(init: TransportFailureInit) {
    super(init.detail ?? (init.status === undefined ? init.failure : `HTTP ${init.status}`));
    this.failure = init.failure;
    this.outcomeUnknown = init.outcomeUnknown;
    this.status = init.status;
    this.trackingIdHeader = init.trackingIdHeader;
    this.body = init.body;
    this.detail = init.detail;
  }

  /** The header's tracking id, else the one Webex put in the error body. */
  get trackingId(): string | undefined {
    return this.trackingIdHeader ?? (this.body === undefined ? undefined : parseErrorBody(this.body).trackingId);
  }
}
