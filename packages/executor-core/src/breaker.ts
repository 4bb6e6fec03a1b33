import type { RowOutcome } from './outcome.js';
import { BREAKER_CODES, EARLY_STOP_CODES, type PendingReasonCode } from './reason-codes.js';

/** Counts outcomes of one batch for the circuit breaker (§11), including the cause behind half_applied. */
export class BatchTally {
  processed = 0;
  success = 0;
  pending = 0;
  breakerHits = 0;
  readonly byReason: Record<string, number> = {};

  add(outcome: RowOutcome): void {
    this.processed++;
    if (outcome.status === 'success') {
      this.success++;
      return;
    }
    this.pending++;
    this.byReason[outcome.reasonCode] = (this.byReason[outcome.reasonCode] ?? 0) + 1;
    const code = breakerCode(outcome);
    if (code && BREAKER_CODES.has(code)) this.breakerHits++;
  }

  /** End-of-batch rule: breaker-class failures ≥ threshold × rows processed in the batch. */
  trips(threshold: number): boolean {
    return this.processed > 0 && this.breakerHits >= threshold * this.processed;
  }
}

/** The cause that counts for the breaker: for half_applied, the failure behind it. */
function breakerCode(outcome: RowOutcome): PendingReasonCode | undefined {
  if (outcome.status === 'success') return undefined;
  return outcome.reasonCode === 'half_applied' ? outcome.cause : outcome.reasonCode;
}

/**
 * Consecutive rows of a phase, in the order they end, that failed because of the token (revoked,
 * expired, missing scopes). Counted across batches, not per batch: the scheduler runs rows of
 * several open batches at once, so a per-batch count can stay short of the window in every batch
 * while a dead token fails row after row of the phase.
 */
export class TokenFailureStreak {
  #count = 0;

  add(outcome: RowOutcome): void {
    const code = breakerCode(outcome);
    this.#count = code && EARLY_STOP_CODES.has(code) ? this.#count + 1 : 0;
  }

  /** Stop starting rows when the last `window` rows to end all failed on the token. */
  hopeless(window: number): boolean {
    return this.#count >= window;
  }
}

/**
 * How many consecutive token failures stop a batch early (`TokenFailureStreak.hopeless`). When the token
 * dies, the rows already in flight (up to the concurrency limit) fail too, whatever is decided
 * now: the window leaves room for them inside the batch, so a dead token burns at most one batch.
 * Never more than 25 (a dead token is plain well before that) and never less than 1.
 */
export function earlyStopWindow(batchSize: number, concurrency: number): number {
  return Math.max(1, Math.min(EARLY_STOP_MAX_WINDOW, batchSize - Math.max(1, concurrency)));
}

const EARLY_STOP_MAX_WINDOW = 25;
