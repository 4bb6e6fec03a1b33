import { WebexApiError } from '@wbp/webex-client';
import { RowStop } from './outcome.js';
import type { PendingReasonCode } from './reason-codes.js';
import { explainWebexCodes } from './webex-error-codes.js';

export interface MappedError {
  reasonCode: PendingReasonCode;
  message: string;
  httpStatus?: number | undefined;
  trackingId?: string | undefined;
}

/** Client errors and step failures to the closed reason codes (term sheet §8.2–8.3). */
export function mapError(err: unknown): MappedError {
  if (err instanceof RowStop) {
    return { reasonCode: err.reasonCode, message: err.message, httpStatus: err.details.httpStatus, trackingId: err.details.trackingId };
  }
  if (err instanceof WebexApiError) {
    const reasonCode: PendingReasonCode =
      err.classification === 'retryable'
        ? 'retry_exhausted'
        : err.classification === 'non_retryable'
          ? 'non_retryable_external'
          : err.classification;
    const known = explainWebexCodes(err);
    return { reasonCode, message: known ? `${err.message} (${known})` : err.message, httpStatus: err.status, trackingId: err.trackingId };
  }
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return { reasonCode: 'unhandled_exception', message: message.slice(0, 500) };
}
