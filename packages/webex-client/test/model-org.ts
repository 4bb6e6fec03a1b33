import type { RateClock } from '../src/transport/rate-controller.js';

/**
 * A virtual clock: `sleep` schedules, `run` moves time to the next timer and lets the promise
 * chains it woke settle (one macrotask turn) before the next. Deterministic, and hours of
 * throttled traffic take milliseconds.
 */
export class VirtualClock implements RateClock {
  #now = 0;
  #seq = 0;
  #timers: { at: number; seq: number; wake: () => void }[] = [];

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason as Error);
      const timer = { at: this.#now + Math.max(0, ms), seq: this.#seq++, wake: resolve };
      this.#timers.push(timer);
      signal?.addEventListener(
        'abort',
        () => {
          this.#timers = this.#timers.filter((t) => t !== timer);
          reject(signal.reason as Error);
        },
        { once: true },
      );
    });
  }

  /** Moves time forward by `ms`, running every timer due on the way. */
  async advance(ms: number): Promise<void> {
    const until = this.#now + ms;
    await this.run(until);
    this.#now = Math.max(this.#now, until);
    await new Promise<void>((r) => setImmediate(r));
  }

  /** Runs timers until `untilMs` of virtual time or until nothing is scheduled. */
  async run(untilMs: number): Promise<void> {
    for (;;) {
      await new Promise<void>((r) => setImmediate(r));
      if (this.#timers.length === 0) return;
      let first = 0;
      for (let i = 1; i < this.#timers.length; i++) {
        const t = this.#timers[i]!;
        const f = this.#timers[first]!;
        if (t.at < f.at || (t.at === f.at && t.seq < f.seq)) first = i;
      }
      const timer = this.#timers[first]!;
      if (timer.at > untilMs) return;
      this.#timers.splice(first, 1);
      this.#now = timer.at;
      timer.wake();
    }
  }
}

/** The org's limit as a token bucket: `ratePerSecond`, `burstSeconds` of allowance banked. */
export class ModelBucket {
  #tokens: number;
  #at = 0;
  constructor(
    readonly ratePerSecond: number,
    readonly burstSeconds = 1,
  ) {
    this.#tokens = Math.max(1, ratePerSecond * burstSeconds);
  }

  /** Undefined when accepted, else the seconds until a token (an honest Retry-After). */
  take(now: number): number | undefined {
    const capacity = Math.max(1, this.ratePerSecond * this.burstSeconds);
    this.#tokens = Math.min(capacity, this.#tokens + ((now - this.#at) / 1000) * this.ratePerSecond);
    this.#at = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return undefined;
    }
    return (1 - this.#tokens) / this.ratePerSecond;
  }
}
