/** The closed reason codes of term sheet §8.2 that can arise at run time (pending rows). */
export const PENDING_REASON_CODES = [
  'out_of_scope',
  'non_retryable_external',
  'permission_denied',
  'auth_invalid',
  'retry_exhausted',
  'invalid_response_schema',
  'half_applied',
  'unhandled_exception',
  'user_not_found',
  'precondition_missing',
] as const;

export type PendingReasonCode = (typeof PENDING_REASON_CODES)[number];

/** The codes the circuit breaker counts (§11): the whole org is refusing us, not one row's data. */
export const BREAKER_CODES: ReadonlySet<PendingReasonCode> = new Set(['non_retryable_external', 'auth_invalid', 'permission_denied']);

/**
 * The codes that stop a run mid-batch when every recent row ends with one of them, because they
 * are evidence about the connection, not about the rows: the token (revoked, expired, without the
 * scopes), or answers that are not Webex's JSON at all, even after retries (a proxy or captive
 * portal answering every request with an HTML page). Every further row would fail the same way.
 * A data refusal, however many, is the CSV's or the org's problem and waits for the end-of-batch rule.
 */
export const EARLY_STOP_CODES: ReadonlySet<PendingReasonCode> = new Set(['auth_invalid', 'permission_denied', 'invalid_response_schema']);
