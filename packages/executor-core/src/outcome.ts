import type { PendingReasonCode } from './reason-codes.js';

export type Phase = 1 | 2 | 3;
export type EntityType = 'location' | 'user' | 'extension_assignment';

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
