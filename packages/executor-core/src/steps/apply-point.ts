import type { Person, PersonSetting } from '@wbp/webex-client';
import type { WebexPort } from '../port.js';
import type { StepTrail } from '../trail.js';
import type { SettingValue } from './settings-registry.js';

/** What a row's steps may do to the org; `wbp plan` reports these, `wbp run` sends them. */
export const PLAN_ACTIONS = ['create', 'update', 'enable_calling', 'assign_licence', 'change_line', 'apply_settings'] as const;
export type PlanAction = (typeof PLAN_ACTIONS)[number];

/** One action a row's decision came to, with what it changes (`field: old → new`). */
export interface DecidedAction {
  action: PlanAction;
  detail: string;
}

/**
 * What a plan keeps of the org as the run would leave it, so later rows (and phases) decide
 * against it: the person a licence or line change would produce, a setting as its PUT would leave it.
 */
export interface Projection {
  person(personId: string, patch: (current: Person | undefined) => Person): void;
  setting(personId: string, setting: PersonSetting, value: SettingValue): void;
}

/**
 * The one point every mutation of the steps goes through. The steps decide (from the looked-up
 * org state and the row) which action to take and build its payload with pure functions, then hand
 * the action here with the one call that performs it (`send`, including any settling of an
 * unknown outcome and any post-mutation verification) and the result it is expected to have
 * (`projected`). A run sends; a plan records the action and returns the projected result, so the
 * plan is the run's own decision code with nothing sent (docs/execution.md, "Decide and apply").
 */
export interface ApplyPoint {
  readonly planning: boolean;
  apply<T>(
    trail: StepTrail,
    action: PlanAction,
    detail: string,
    send: (port: WebexPort) => Promise<T>,
    projected: (projection: Projection) => T,
  ): Promise<T>;
  /** §15.3 compensation (delete what this row created when its next step failed): a run only. */
  undo(send: (port: WebexPort) => Promise<void>): Promise<void>;
}

/** The run's apply point: every action is sent through `port`. */
export function sendingApplyPoint(port: WebexPort): ApplyPoint {
  return {
    planning: false,
    async apply(trail, action, detail, send) {
      trail.decided.push({ action, detail });
      return send(port);
    },
    undo: (send) => send(port),
  };
}

/** The plan's apply point: it has no port to send with; it records and projects. */
export function planningApplyPoint(projection: Projection): ApplyPoint {
  return {
    planning: true,
    async apply(trail, action, detail, _send, projected) {
      trail.decided.push({ action, detail });
      return projected(projection);
    },
    undo: () => Promise.reject(new Error('a plan never undoes: nothing was applied')),
  };
}
