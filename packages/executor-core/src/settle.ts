import { setTimeout as sleep } from 'node:timers/promises';
import { WebexApiError } from '@wbp/webex-client';

/**
 * How long to keep looking for a mutation whose outcome is unknown before concluding it did not
 * happen. A gateway can answer 504 at once while the backend goes on and applies the change
 * seconds later; a single read-back right after the 504 would miss it and the re-send would
 * create a duplicate. Lookups back off from `firstDelayMs`, doubling, until `windowMs` has passed
 * (`repeatSafeWindowMs` for a mutation whose repeat cannot duplicate anything).
 */
export interface SettleOptions {
  /** Total time to look before re-sending (default 60 s). */
  windowMs: number;
  /** Delay before the second lookup; the first one is immediate (default 1 s). */
  firstDelayMs: number;
  /**
   * The window for a mutation that is safe to repeat (default 5 s, never more than `windowMs`).
   * There the window is not what prevents a duplicate, only what lets a late apply be adopted
   * without a second send, so it need not hold the row for a minute.
   */
  repeatSafeWindowMs?: number;
}

export const DEFAULT_SETTLE = { windowMs: 60_000, firstDelayMs: 1_000, repeatSafeWindowMs: 5_000 } as const satisfies SettleOptions;

/**
 * Waits outside the row's concurrency slot: a row settling an unknown outcome sends a lookup now
 * and then, so it must not keep a slot that other rows could use (the scheduler supplies this).
 */
export type Park = (ms: number) => Promise<void>;

export const parkInPlace: Park = (ms) => sleep(ms);

export interface OnceOrAdopt<T> {
  /** The mutation (one call). */
  send: () => Promise<T>;
  /** Whether the mutation took effect: the adopted value, or undefined when it provably did not. */
  lookup: () => Promise<T | undefined>;
  /**
   * An answer that may mean "already done" (409 already exists / already enabled, a refusal of a
   * line this person may already hold): worth a lookup before it is believed.
   */
  mayBeDone?: (err: WebexApiError) => boolean;
  /**
   * True when a second copy of the mutation, with the same body, cannot make a second thing: it
   * ends in the same state whether or not the first one lands later (Calling enabled on a
   * location; a licence entry assigned to a person with the same line). A create is not.
   */
  repeatSafe?: boolean;
  settle: SettleOptions;
  park: Park;
  /** Hears each unknown outcome, for the run log. */
  onUnknown?: (attempt: number, err: WebexApiError) => void;
  /** The clock the window is measured on (tests drive it together with `park`). */
  now?: () => number;
}

export interface Settled<T> {
  value: T;
  /** True when the value was found by lookup rather than answered by the mutation itself. */
  adopted: boolean;
}

function isUnknown(err: unknown): err is WebexApiError {
  return err instanceof WebexApiError && err.outcomeUnknown;
}

/** Looks up immediately, then with back-off (once more at the end for a repeat-safe mutation), until found or the window has passed. */
async function settleLookup<T>(spec: OnceOrAdopt<T>): Promise<T | undefined> {
  const now = spec.now ?? Date.now;
  const started = now();
  const { windowMs, repeatSafeWindowMs = DEFAULT_SETTLE.repeatSafeWindowMs } = spec.settle;
  const window = spec.repeatSafe ? Math.min(windowMs, repeatSafeWindowMs) : windowMs;
  // Safe to repeat: the window only has to let a late apply show, so one look at its end will do.
  let delay = spec.repeatSafe ? window : spec.settle.firstDelayMs;
  for (;;) {
    const found = await spec.lookup();
    if (found !== undefined) return found;
    const left = window - (now() - started);
    if (left <= 0) return undefined;
    await spec.park(Math.min(delay, left));
    delay *= 2;
  }
}

/**
 * Sends a mutation that must not happen twice (a create, a Calling enable, a licence assignment)
 * at most twice: after an unknown outcome it settles by lookup before anything is re-sent, and an
 * answer that may mean "already done" is checked by lookup and then adopted, never repeated.
 * Steps do not call it directly: they go through `createOrAdopt` (steps/create-or-adopt.ts), which
 * also hands the mutation to the apply point, so a plan records it and a run sends it.
 */
export async function onceOrAdopt<T>(spec: OnceOrAdopt<T>): Promise<Settled<T>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return { value: await spec.send(), adopted: false };
    } catch (err) {
      if (!(err instanceof WebexApiError)) throw err;
      let found: T | undefined;
      if (isUnknown(err)) {
        spec.onUnknown?.(attempt, err);
        found = await settleLookup(spec);
      } else if (spec.mayBeDone?.(err)) {
        // The re-send of a repeat-safe mutation meeting "already done": the first one is landing,
        // so look over the whole window before concluding otherwise.
        found = attempt >= 2 && spec.repeatSafe ? await settleLookup({ ...spec, repeatSafe: false }) : await spec.lookup();
      } else {
        throw err;
      }
      if (found !== undefined) return { value: found, adopted: true };
      // Provably not applied: one more send, unless this was already the second (or no more than a conflict).
      if (attempt >= 2 || !isUnknown(err)) throw err;
    }
  }
}
