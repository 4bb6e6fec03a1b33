export { execute, type ExecutionInput, type ExecutionResult, type ExecutionStatus } from './executor.js';
export { DEFAULT_EXECUTOR_CONFIG, type ExecutorConfig } from './config.js';
export { plannedAttempt, type AttemptKind, type UsableDecision } from './attempt.js';
export type { WebexPort } from './port.js';
export type { RunLogger } from './logger.js';
export { silentLogger } from './logger.js';
export { execRowOf, field, type ExecRow, type ReadyFields } from './row.js';
export {
  PHASE_OF,
  type EntityType,
  type Phase,
  type RowOutcome,
  type PendingOutcome,
  type SuccessOutcome,
  type RowEffect,
} from './outcome.js';
export { PENDING_REASON_CODES, BREAKER_CODES, type PendingReasonCode } from './reason-codes.js';
export { mapError } from './error-mapping.js';
export { RESULTS_FILE, PENDING_FILE } from './outputs.js';
export { locationPayload } from './steps/location.js';
export {
  userSettingChanges,
  callerIdChange,
  ecbnChange,
  changeOf,
  settingEntry,
  SETTINGS,
  type SettingEntry,
  compareCallWaiting,
  compareDoNotDisturb,
  compareVoicemail,
  compareForwardAlways,
  compareCallerId,
  sameDestination,
  type SettingChange,
  type SettingComparison,
  type FieldComparison,
  type SettingValue,
} from './steps/settings-registry.js';
export { lineChangeBody, assertIdentityUnchanged, IDENTITY_FIELDS } from './steps/person-update.js';
export { OrgCache } from './org-cache.js';
export type { ReadPort, WritePort } from './port.js';
export { readOnly } from './port.js';
export { plan, plannedRow, PlanReader, type PlanInput, type PlannedRow, type PlanRowAction } from './plan.js';
export { PLAN_ACTIONS, type PlanAction, type DecidedAction } from './steps/apply-point.js';
export { locationDifferences, locationMatches } from './steps/location.js';
