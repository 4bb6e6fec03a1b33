import { mapError } from './error-mapping.js';
import type { DecidedAction } from './steps/apply-point.js';
import type { PendingOutcome, RowEffect, RowOutcome, SuccessOutcome } from './outcome.js';

/** Which step a row is in and which mutating steps already took effect (for half_applied). */
export class StepTrail {
  current = 'init';
  readonly applied: string[] = [];
  /** Extra facts for the pending message (e.g. what a compensation did). */
  readonly notes: string[] = [];
  /** Every action the row's steps handed to the apply point, in order (what a plan reports). */
  readonly decided: DecidedAction[] = [];

  step(name: string): void {
    this.current = name;
  }

  mutated(what: string): void {
    this.applied.push(what);
  }

  /** The row's effect from what took effect: a create makes it `created`, any other change `changed`. */
  effect(): RowEffect {
    if (this.applied.includes(CREATED_MARK)) return 'created';
    return this.applied.length > 0 ? 'changed' : 'unchanged';
  }
}

/** The mutation a step records when it made the row's entity (only locations are ever created). */
export const CREATED_MARK = 'location_create';

/**
 * Runs a row's steps; any failure becomes exactly one pending outcome. A failure after a change
 * took effect is `half_applied`, naming what was applied, the failing step and why.
 */
export async function runSteps(
  body: (trail: StepTrail) => Promise<SuccessOutcome>,
  onTrail?: (trail: StepTrail) => void,
): Promise<RowOutcome> {
  const trail = new StepTrail();
  onTrail?.(trail);
  try {
    const done = await body(trail);
    return { ...done, effect: done.effect ?? trail.effect() };
  } catch (err) {
    const mapped = mapError(err);
    const base: Omit<PendingOutcome, 'reasonCode' | 'message'> = {
      status: 'pending',
      step: trail.current,
      httpStatus: mapped.httpStatus,
      trackingId: mapped.trackingId,
    };
    if (mapped.reasonCode === 'half_applied') {
      // The step itself found the row half done and says exactly what (e.g. an identity side effect).
      return { ...base, reasonCode: 'half_applied', cause: 'half_applied', message: [mapped.message, ...trail.notes].join(' ') };
    }
    if (trail.applied.length > 0) {
      return {
        ...base,
        reasonCode: 'half_applied',
        cause: mapped.reasonCode,
        message: [
          `${trail.applied.join(', ')} applied; ${trail.current} failed (${mapped.reasonCode}): ${mapped.message}.`,
          ...trail.notes,
          'Re-run the CSV to complete it.',
        ].join(' '),
      };
    }
    return { ...base, reasonCode: mapped.reasonCode, message: mapped.message };
  }
}
