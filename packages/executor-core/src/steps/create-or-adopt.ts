import type { WebexApiError } from '@wbp/webex-client';
import type { WebexPort } from '../port.js';
import { onceOrAdopt } from '../settle.js';
import type { StepTrail } from '../trail.js';
import type { PlanAction, Projection } from './apply-point.js';
import type { RowEnv } from './env.js';

/** A mutation that must not happen twice, as a step hands it to `createOrAdopt`. */
export interface AdoptableAction<T> {
  /** What the plan reports, and the change it makes (`field: old → new`). */
  action: PlanAction;
  detail: string;
  /** The step named in the `unknown_outcome` log, and what identifies the entity there (`{ location }`, `{ person_id }`). */
  step: string;
  about: Record<string, unknown>;
  /** The mutation, one call through the run's port. */
  send: (port: WebexPort) => Promise<T>;
  /** Whether it took effect: the adopted value, or undefined when it provably did not (see `OnceOrAdopt.lookup`). */
  lookup: () => Promise<T | undefined>;
  /** An error answer that may mean "already done" (see `OnceOrAdopt.mayBeDone`). */
  mayBeDone?: (err: WebexApiError) => boolean;
  /** A second copy cannot make a second thing (see `OnceOrAdopt.repeatSafe`). */
  repeatSafe?: boolean;
  /** What a plan takes the result to be. */
  projected: (projection: Projection) => T;
}

/**
 * The one way a step sends a create, a Calling enable or a licence assignment: through the apply
 * point (a plan records it and projects its result, a run sends it), at most twice, an unknown
 * outcome settled by lookup over the settle window (parked, without the row's slot) and an answer
 * that may mean "already done" adopted after a lookup (`onceOrAdopt`). Each unknown outcome is
 * logged as `unknown_outcome` with the step, the entity and the attempt.
 */
export async function createOrAdopt<T>(env: RowEnv, trail: StepTrail, spec: AdoptableAction<T>): Promise<T> {
  return env.apply.apply(
    trail,
    spec.action,
    spec.detail,
    async (port) =>
      (
        await onceOrAdopt<T>({
          send: () => spec.send(port),
          lookup: spec.lookup,
          ...(spec.mayBeDone ? { mayBeDone: spec.mayBeDone } : {}),
          ...(spec.repeatSafe !== undefined ? { repeatSafe: spec.repeatSafe } : {}),
          settle: env.settle,
          park: env.park,
          onUnknown: (attempt, err) => env.note('unknown_outcome', { step: spec.step, ...spec.about, attempt, error: err.message }),
        })
      ).value,
    spec.projected,
  );
}
