export { createWebexClient, CLIENT_DEFAULTS, DEFAULT_BASE_URL, type WebexClient, type WebexClientOptions } from './client.js';
export { createRedactor, scrubCredentials, MIN_SECRET_LENGTH, REDACTED, type Redactor } from './redact.js';
export { WebexApiError, classify, parseErrorBody, type ErrorClassification, type FailureKind } from './errors.js';
export {
  PERSON_SETTINGS,
  personSettingPath,
  type PersonSetting,
  type PersonSettingPath,
  type PersonSettingUpdate,
  type PersonSettingValue,
} from './operations/person-settings.js';
export { linkPages, offsetPages, collect, type Page } from './paginate.js';
export { nextLink } from './link-header.js';
export {
  RateController,
  RATE_CONTROL_DEFAULTS,
  systemClock,
  type RateClock,
  type RateControlOptions,
  type RateSnapshot,
  type RateTicket,
  type RateVerdict,
} from './transport/rate-controller.js';
export { parseRetryAfter } from './transport/retry-after.js';
export { isIdempotent } from './transport/idempotency.js';
export type { TokenSource } from './transport/auth.js';
export type { CallInFlight, CallStage } from './transport/diagnostics.js';
export type { ClientEvent, EventSink, FetchFn } from './transport/types.js';
export type * from './types.js';
