// The public API: what a program that talks to Webex through this client uses. Helpers wbp's own
// packages share but a consumer does not need are in `./internal.ts` (README, "Public API").
export { createWebexClient, type WebexClient } from './client.js';
export {
  CLIENT_DEFAULTS,
  type ClientAuthOptions,
  type ClientHedgeOptions,
  type ClientRetryOptions,
  type ClientThrottleOptions,
  type ClientTimeoutOptions,
  type WebexClientOptions,
} from './client-options.js';
export { WebexApiError, type ErrorClassification, type FailureKind } from './errors.js';
export {
  PERSON_SETTINGS,
  personSettingPath,
  type PersonSetting,
  type PersonSettingPath,
  type PersonSettingUpdate,
  type PersonSettingValue,
} from './operations/person-settings.js';
export type { RateController, RateSnapshot } from './transport/rate-controller.js';
export type { TokenSource } from './transport/auth.js';
export type { CallInFlight, CallStage } from './transport/diagnostics.js';
export type { ClientEvent, EventSink, FetchFn } from './transport/types.js';
export type * from './types.js';
