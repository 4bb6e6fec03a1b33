import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A pause shared by every caller of one client: when Webex answers 429 with Retry-After, no
 * request of this client leaves until the pause is over, instead of N callers each hammering
 * the API on their own schedule.
 */
export class RateGate {
  #pausedUntil = 0;
  #listeners = new Set<(untilMs: number) => void>();

  /** Extends (never shortens) the shared pause. */
  pause(ms: number, now: number = Date.now()): void {
    const until = now + ms;
    if (until <= this.#pausedUntil) return;
    this.#pausedUntil = until;
    for (const l of this.#listeners) l(until);
  }

  get pausedUntil(): number {
    return this.#pausedUntil;
  }

  /** Resolves once no pause is in force; re-checks because the pause can grow while waiting. */
  async wait(signal?: AbortSignal): Promise<void> {
    for (let guard = 0; guard < 1000; guard++) {
      const remaining = this.#pausedUntil - Date.now();
      if (remaining <= 0) return;
      await sleep(remaining, undefined, signal ? { signal } : undefined);
    }
  }

  /** Lets a scheduler (e.g. adaptive concurrency) hear about pauses as they start. */
  onPause(listener: (untilMs: number) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
