/**
 * Additive increase / multiplicative decrease of the rows in flight. One more row each time a
 * full window of rows (as many as the current limit) finishes without a 429 or a latency jump;
 * ×`decrease` on a 429 (at most once per second: the rows in flight all see the same pause) or when
 * latency rises well above the best seen. Never above `max`, never below 1.
 */
export class AdaptiveConcurrency {
  #limit: number;
  #windowDone = 0;
  #lastDecrease = 0;
  #ewma: number | undefined;
  #best = Infinity;

  constructor(
    start: number,
    private readonly max: number,
    private readonly decrease = 0.75,
    private readonly latencyRiseFactor = 2.5,
  ) {
    this.#limit = Math.max(1, Math.min(start, max));
  }

  limit(): number {
    return this.#limit;
  }

  rowDone(): void {
    if (++this.#windowDone < this.#limit) return;
    this.#limit = Math.min(this.max, this.#limit + 1);
    this.#windowDone = 0;
  }

  rateLimited(now: number = Date.now()): void {
    this.#cut(now);
  }

  /** Latency of one successful response; a sustained rise means the service is queueing us. */
  latency(ms: number, now: number = Date.now()): void {
    this.#ewma = this.#ewma === undefined ? ms : this.#ewma * 0.9 + ms * 0.1;
    this.#best = Math.min(this.#best, this.#ewma);
    if (this.#ewma > this.#best * this.latencyRiseFactor && this.#ewma - this.#best > 50) this.#cut(now);
  }

  #cut(now: number): void {
    if (now - this.#lastDecrease < 1_000) return;
    this.#lastDecrease = now;
    this.#limit = Math.max(1, Math.floor(this.#limit * this.decrease));
    // A new window starts: growth resumes only after a full window without trouble.
    this.#windowDone = 0;
  }
}
