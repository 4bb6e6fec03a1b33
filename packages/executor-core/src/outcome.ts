import type { EntityType } from '@wbp/csv-contract';
import type { Phase } from '@wbp/state';
import type { PendingReasonCode } from './reason-codes.js';

// Declared once each: an entity type is the CSV contract's (`entity_type`), a phase the
// checkpoint's (`phase`); the executor maps one to the other and re-exports both for its callers.
export type { EntityType, Phase };

export const PHASE_OF: Record<EntityType, Phase> = { location: 1, user: 2, extension_assignment: 3 };

/** What a success row did to the org: made the entity, changed it, or found it already as the CSV asks. */
export type RowEffect = 'created' | 'changed' | 'unchanged';

export interface SuccessOutcome {
  status: 'success';
  /** Set by `runSteps` from the mutations the row's steps recorded, unless a step says otherwise. */
  effect?: RowEffect | undefined;
  /** The last step that ran (or decided there was nothing to do). */
  step: string;
  message: string;
  httpStatus?: number | undefined;
  remoteId?: string | undefined;
}

export interface PendingOutcome {
  status: 'pending';
  step: string;
  reasonCode: PendingReasonCode;
  message: string;
  httpStatus?: number | undefined;
  trackingId?: string | undefined;
  remoteId?: string | undefined;
  /** The reason behind a half_applied row, so the breaker still sees an org-wide refusal. */
  cause?: PendingReasonCode | undefined;
}

export type RowOutcome = SuccessOutcome | PendingOutcome;

/** Thrown by a step to end its row as pending with a precise reason. */
export class RowStop extends Error {
  constructor(
    readonly reasonCode: PendingReasonCode,
    message: string,
    readonly details: { httpStatus?: number | undefined; trackingId?: string | undefined } = {},
  ) {
    super(message);
  }
}
