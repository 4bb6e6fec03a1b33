import { setTimeout as sleep } from 'node:timers/promises';

/** Accepted requests in the measuring window below which the observed rate is not trusted. */
const MIN_SAMPLE = 20;

export interface PacerOptions {
  /** Share of the observed accepted rate to settle on after a 429 (default 0.95). */
  backoff?: number;
  /** Growth of the pace per `probeEveryMs` without a 429, to find a limit that was raised (default 1.01 per 10 s). */
  probe?: number;
  probeEveryMs?: number;
}

/**
 * Client-side pacing that learns the org's rate limit (Webex publishes none). Unpaced until the
 * first 429; then requests leave at the rate Webex was accepting just before it (measured over
 * the last two seconds) times `backoff`, and the pace creeps up while no 429 comes back. Shared by
 * every caller of a client, so N callers cannot out-run it.
 */
export class RatePacer {
  #rate: number | undefined;
  #next = 0;
  #accepted: number[] = [];
  #lastCut = -Infinity;
  #lastProbe = 0;
  readonly #backoff: number;
  readonly #probe: number;
  readonly #probeEveryMs: number;

  constructor(options: PacerOptions = {}) {
    this.#backoff = options.backoff ?? 0.95;
    this.#probe = options.probe ?? 1.01;
    this.#probeEveryMs = options.probeEveryMs ?? 10_000;
  }

  /** Requests per second currently allowed, or undefined while unpaced. */
  get rate(): number | undefined {
    return this.#rate;
  }

  async acquire(signal?: AbortSignal): Promise<void> {
    if (this.#rate === undefined) return;
    const now = Date.now();
    if (now - this.#lastProbe >= this.#probeEveryMs && now - this.#lastCut >= this.#probeEveryMs) {
      this.#rate *= this.#probe;
      this.#lastProbe = now;
    }
    const slot = Math.max(now, this.#next);
    this.#next = slot + 1000 / this.#rate;
    if (slot > now) await sleep(slot - now, undefined, signal ? { signal } : undefined);
  }

  accepted(now: number = Date.now()): void {
    this.#accepted.push(now);
    if (this.#accepted.length > 4096) this.#accepted.splice(0, 2048);
  }

  /** A 429: settle below what was being accepted. Simultaneous 429s of one burst count once. */
  rateLimited(now: number = Date.now()): void {
    if (now - this.#lastCut < 1_000) return;
    // Measure over the last five seconds, but never across the previous cut and its pause (the
    // server's burst allowance refilled then and would inflate the estimate).
    const from = Math.max(now - 5_000, this.#lastCut + 1_000);
    const recent = this.#accepted.filter((t) => t >= from && t <= now).length;
    const windowMs = now - from;
    // Too few accepted requests say nothing about the limit (a 429 at start-up, or a shared
    // token used elsewhere): leave the shared Retry-After pause to handle it.
    const target = recent >= MIN_SAMPLE && windowMs >= 1_000 ? (recent / (windowMs / 1000)) * this.#backoff : undefined;
    if (this.#rate === undefined) {
      if (target === undefined) return;
      this.#rate = target;
    } else {
      this.#rate = Math.max(1, Math.min(this.#rate * this.#backoff, target ?? Infinity));
    }
    this.#lastCut = now;
    this.#lastProbe = now;
    this.#next = 0;
  }
}
