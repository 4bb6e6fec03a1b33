/**
 * One bucket per token: capacity is one second's worth of requests, refilled continuously at
 * `perMinute / 60` per second. `take` answers how long to wait when the bucket is empty.
 */
export class TokenBuckets {
  #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private perMinute: number) {}

  setRate(perMinute: number): void {
    this.perMinute = perMinute;
    this.#buckets.clear();
  }

  /** Takes one request's token; returns 0 when allowed, else the milliseconds until one is free. */
  take(key: string, now: number = Date.now()): number {
    if (this.perMinute <= 0) return 0;
    const perMs = this.perMinute / 60_000;
    const capacity = Math.max(1, this.perMinute / 60);
    const bucket = this.#buckets.get(key) ?? { tokens: capacity, at: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + (now - bucket.at) * perMs);
    bucket.at = now;
    this.#buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - bucket.tokens) / perMs);
  }
}
