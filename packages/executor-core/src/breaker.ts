import type { RowOutcome } from './outcome.js';
import { BREAKER_CODES, EARLY_STOP_CODES } from './reason-codes.js';

/** Counts outcomes of one batch for the circuit breaker (§11), including the cause behind half_applied. */
export class BatchTally {
  processed = 0;
  success = 0;
  pending = 0;
  breakerHits = 0;
  readonly byReason: Record<string, number> = {};
  /** Consecutive auth_invalid / permission_denied outcomes, for stopping a dead run early within the batch. */
  streak = 0;

  add(outcome: RowOutcome): void {
    this.processed++;
    if (outcome.status === 'success') {
      this.success++;
      this.streak = 0;
      return;
    }
    this.pending++;
    this.byReason[outcome.reasonCode] = (this.byReason[outcome.reasonCode] ?? 0) + 1;
    const code = outcome.reasonCode === 'half_applied' ? outcome.cause : outcome.reasonCode;
    if (code && BREAKER_CODES.has(code)) this.breakerHits++;
    if (code && EARLY_STOP_CODES.has(code)) this.streak++;
    else this.streak = 0;
  }

  /** End-of-batch rule: breaker-class failures ≥ threshold × rows processed in the batch. */
  trips(threshold: number): boolean {
    return this.processed > 0 && this.breakerHits >= threshold * this.processed;
  }

  /**
   * Stop starting rows mid-batch when the last `window` rows all failed because of the token
   * (revoked, expired, missing scopes): the batch ends early, the rest stay untouched for the resume.
   */
  hopeless(window: number): boolean {
    return this.streak >= window;
  }
}

/**
 * How many consecutive token failures stop a batch early (`BatchTally.hopeless`). When the token
 * dies, the rows already in flight (up to the concurrency limit) fail too, whatever is decided
 * now: the window leaves room for them inside the batch, so a dead token burns at most one batch.
 * Never more than 25 (a dead token is plain well before that) and never less than 1.
 */
export function earlyStopWindow(batchSize: number, concurrency: number): number {
  return Math.max(1, Math.min(EARLY_STOP_MAX_WINDOW, batchSize - Math.max(1, concurrency)));
}

const EARLY_STOP_MAX_WINDOW = 25;
