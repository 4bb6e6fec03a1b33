import type { CallContext } from './call-context.js';
import { requestLine } from './request-line.js';
import type { FetchFn } from './types.js';

/** Where a call in progress is waiting. */
export type CallStage = 'started' | 'rate-limit pause' | 'pacing' | 'request' | 'back-off';

/**
 * How a layer inside the registry reports a call's stage. A call is known by the signal it
 * travels with, which the deadline layer (outside this one) makes the call's own.
 */
export type StageSink = (signal: AbortSignal, stage: CallStage) => void;

/** One call in progress: a diagnostic for a run that looks stuck. */
export interface CallInFlight {
  method: string;
  path: string;
  stage: CallStage;
  attempt: number;
  /** When the call entered its current stage (epoch ms). */
  since: number;
}

/** The calls in progress through one client, for `callsInFlight()`. */
export class CallRegistry {
  readonly #calls = new Map<AbortSignal, Omit<CallInFlight, 'attempt'> & { call: CallContext | undefined }>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  readonly stage: StageSink = (signal, stage) => {
    const call = this.#calls.get(signal);
    if (call) Object.assign(call, { stage, since: this.#now() });
  };

  /** The layer: a call is listed from when it enters until it settles, however it settles. */
  track(next: FetchFn): FetchFn {
    return async (request, callerSignal, call) => {
      const signal = callerSignal ?? request.signal;
      this.#calls.set(signal, { ...requestLine(request), stage: 'started', since: this.#now(), call });
      try {
        return await next(request, signal, call);
      } finally {
        this.#calls.delete(signal);
      }
    };
  }

  list(): (CallInFlight & { seconds: number })[] {
    const now = this.#now();
    return [...this.#calls.values()].map(({ call, ...listed }) => ({
      ...listed,
      attempt: call?.attempt ?? 1,
      seconds: Math.round((now - listed.since) / 1000),
    }));
  }
}
