import { setTimeout as sleep } from 'node:timers/promises';
import { definedOnly } from '../defined-only.js';
import { checkGroup, milliseconds, numberAbove, optionError, wholeNumber, type Rule } from '../option-checks.js';

/** Time as the controller sees it; tests pass a virtual one. */
export interface RateClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: RateClock = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleep(ms, undefined, signal ? { signal } : undefined),
};

/** Every option; defaults in `RATE_CONTROL_DEFAULTS`; see docs/performance.md, "The rate model". */
export interface RateControlOptions {
  /** Rows in flight before anything is known about the org. */
  startConcurrency?: number;
  /** Never more rows in flight than this. */
  maxConcurrency?: number;
  /** Unpaced, one more row in flight after each such period from the first rows on (default 100 ms). */
  growEveryMs?: number;
  /** Share of the measured accepted rate to pace at after the first 429 (default 0.9). */
  backoff?: number;
  /** Share of the pace to keep when a 429 comes while pacing and no probe raised the pace (default 0.75). */
  correction?: number;
  /** Share of the rate sustained over the last storm's cycle to pace at after the next (default 0.98). */
  sustainedShare?: number;
  /**
   * The measuring window for the accepted rate: two Retry-Afters, within 2 × `minWindowMs` and
   * `maxWindowMs` (defaults 1,000 and 10,000 ms); never divided by less than `minWindowMs`.
   */
  minWindowMs?: number;
  maxWindowMs?: number;
  /** Growth of the pace at each probe (default 1.02). */
  probeStep?: number;
  /**
   * A probe happens after this long without a 429 (default 5,000 ms), and never sooner than
   * `probeRetryAfterFactor` (default 5) Retry-Afters: a probe that fails costs one Retry-After of
   * everyone's time, so the longer the org makes us wait, the rarer the probes.
   */
  probeEveryMs?: number;
  probeRetryAfterFactor?: number;
  /** …and only after this many accepted answers since the last probe (default 100). */
  probeEveryAccepted?: number;
  /** Floor of the pace, requests per second (default 0.1). */
  minRate?: number;
  clock?: RateClock;
}

/**
 * The defaults of `RateControlOptions`, published as `CLIENT_DEFAULTS.throttle` (the runner's
 * CONCURRENCY and CONCURRENCY_MAX fall back to the first two, the executor's concurrency to the first).
 */
export const RATE_CONTROL_DEFAULTS = {
  /** Rows in flight at start: few enough not to trip an org's limit before it is learnt. */
  startConcurrency: 8,
  /** The ceiling the controller never exceeds, however fast the org answers. */
  maxConcurrency: 32,
  growEveryMs: 100,
  backoff: 0.9,
  correction: 0.75,
  sustainedShare: 0.98,
  minWindowMs: 1_000,
  maxWindowMs: 10_000,
  probeStep: 1.02,
  probeEveryMs: 5_000,
  probeRetryAfterFactor: 5,
  probeEveryAccepted: 100,
  minRate: 0.1,
} as const;

/** When the grant was made: it tells a 429 of a storm already honoured from a new one. */
export interface RateTicket {
  sentAt: number;
}

/** What one answer did to the controller. */
export interface RateVerdict {
  /** A pause now in force because of this answer (ms from now), or 0. */
  pauseMs: number;
  /** True when this answer started a new storm (a 429 of a request sent after the last one). */
  newStorm: boolean;
}

export interface RateSnapshot {
  /** Requests per second the pace allows; null while unpaced (before the first 429). */
  pacePerSecond: number | null;
  pausedUntil: number;
  concurrency: number;
  peakConcurrency: number;
  storms: number;
  typicalLatencyMs: number | null;
}

const share = numberAbove(0, { below: 1 });

/** The rule of each option (the client checks its `throttle` group with these too). */
export const RATE_CONTROL_RULES: Readonly<Record<keyof RateControlOptions, Rule>> = {
  startConcurrency: wholeNumber(1),
  maxConcurrency: wholeNumber(1),
  growEveryMs: milliseconds(1),
  backoff: share,
  correction: share,
  sustainedShare: share,
  minWindowMs: milliseconds(1),
  maxWindowMs: milliseconds(1),
  probeStep: numberAbove(1),
  probeEveryMs: milliseconds(1),
  probeRetryAfterFactor: numberAbove(0),
  probeEveryAccepted: wholeNumber(1),
  minRate: numberAbove(0),
  clock: { test: (v) => typeof (v as RateClock | undefined)?.now === 'function', text: 'a clock (now, sleep)' },
};

/**
 * One controller for everything a client does about the org's rate limit, which Webex does not
 * publish: the shared Retry-After pause, the pace learnt from 429s, the probe upwards, the
 * latency estimate (hedging and patience use it) and how many rows are worth having in flight.
 *
 * Model: unpaced, with rows in flight growing slowly, until the first 429. That 429 starts a
 * storm: every caller pauses for its Retry-After once (429s of requests sent before the storm
 * began are the same storm and change nothing), and the pace becomes `backoff` × the rate the
 * org accepted over the measuring window. After the pause requests leave one pace slot apart, so
 * the refilled allowance is never spent in a burst. While the pace is what holds callers back and
 * no 429 comes, it grows by `probeStep` per probe interval. Rows in flight follow the pace
 * (Little's law: pace × latency, with headroom), so waiting rows do not pile up.
 */
export class RateController {
  readonly #o: Required<Omit<RateControlOptions, 'clock'>>;
  readonly #clock: RateClock;
  #rate: number | undefined;
  #nextSlot = 0;
  #pausedUntil = 0;
  #stormStartedAt = -Infinity;
  #storms = 0;
  #lastRetryAfterMs = 0;
  #lastProbeAt = 0;
  #paceHeldBack = false;
  /** Times of accepted answers, oldest first, pruned to the longest window. */
  #accepted: number[] = [];
  #acceptedHead = 0;
  #firstRequestAt: number | undefined;
  #windowFloorAt = -Infinity;
  /** Accepted answers since the last pause ended (the window keeps only `maxWindowMs`). */
  #acceptedSinceResume = 0;
  #acceptedSinceProbe = 0;
  /** The pace the last storm set, before any probe raised it. */
  #setPace = 0;
  /** Paced without a measure yet: doubling from 1/s until the next storm. */
  #slowStart = false;
  #unpacedLimit: number;
  /** When rows in flight last grew; unset until the first `concurrency()` (the rows' start, not the client's). */
  #lastGrowthAt: number | undefined;
  #peak: number;
  #latencyMs: number | undefined;
  #bestLatencyMs = Infinity;
  #lastLatencyCutAt = -Infinity;
  #listeners = new Set<(untilMs: number) => void>();

  /** Throws a `TypeError` naming a bad option as `<path>.<option>` (the client's options call this group `throttle`). */
  constructor(options: RateControlOptions = {}, path = 'throttle') {
    checkGroup(path, options, RATE_CONTROL_RULES);
    const o = { ...RATE_CONTROL_DEFAULTS, ...definedOnly(options) };
    if (2 * o.minWindowMs > o.maxWindowMs)
      throw optionError(`${path}.maxWindowMs`, `at least twice ${path}.minWindowMs (${o.minWindowMs})`, o.maxWindowMs);
    if (o.startConcurrency > o.maxConcurrency)
      throw optionError(`${path}.startConcurrency`, `at most ${path}.maxConcurrency (${o.maxConcurrency})`, o.startConcurrency);
    const { clock, ...rest } = { ...o, clock: options.clock };
    this.#o = rest;
    this.#clock = clock ?? systemClock;
    this.#unpacedLimit = o.startConcurrency;
    this.#peak = this.#unpacedLimit;
  }

  /**
   * Resolves when a request may leave: after any pause in force, and at its pace slot. Slots are
   * handed out in order; a pause that starts while a caller waits for its slot sends it back to
   * the end of the pause.
   */
  async acquire(signal?: AbortSignal): Promise<RateTicket> {
    for (let guard = 0; guard < 10_000; guard++) {
      const now = this.#clock.now();
      if (this.#pausedUntil > now) {
        await this.#clock.sleep(this.#pausedUntil - now, signal);
        continue;
      }
      this.#firstRequestAt ??= now;
      if (this.#rate === undefined) return { sentAt: now };
      this.#probe(now);
      const slot = Math.max(now, this.#nextSlot);
      this.#nextSlot = slot + 1000 / this.#rate;
      if (slot <= now) return { sentAt: now };
      this.#paceHeldBack = true;
      const pauseBefore = this.#pausedUntil;
      const after = this.#nextSlot;
      try {
        await this.#clock.sleep(slot - now, signal);
      } catch (err) {
        // Given up while waiting (a cancelled hedge copy, a deadline): the slot goes back if no
        // one took a later one, so the pace does not lose it.
        if (this.#nextSlot === after) this.#nextSlot = slot;
        throw err;
      }
      // A pause that began meanwhile voids the slot; otherwise it is ours.
      if (this.#pausedUntil === pauseBefore) return { sentAt: this.#clock.now() };
    }
    throw new Error('rate control: no slot after 10,000 waits');
  }

  /**
   * Feeds one answer back. `retryAfterMs` is the server's (already capped), or undefined; a 429
   * without one pauses for `defaultPauseMs`. A 503 or 423 with Retry-After pauses everyone too
   * (the org asked for it) but says nothing about the rate.
   */
  settle(ticket: RateTicket, status: number, retryAfterMs: number | undefined, defaultPauseMs: number): RateVerdict {
    const now = this.#clock.now();
    if (status !== 429) {
      this.#recordAccepted(now);
      if (retryAfterMs !== undefined && (status === 503 || status === 423))
        return { pauseMs: this.#pause(now, retryAfterMs), newStorm: false };
      return { pauseMs: 0, newStorm: false };
    }
    const pauseMs = retryAfterMs ?? defaultPauseMs;
    if (ticket.sentAt <= this.#stormStartedAt) {
      // Sent before the storm began: it was answered while everyone already waits; it may make
      // the wait longer while it lasts, never start another one.
      return { pauseMs: this.#pausedUntil > now ? this.#pause(now, pauseMs) : 0, newStorm: false };
    }
    const previousStormAt = this.#stormStartedAt;
    this.#storms++;
    this.#stormStartedAt = now;
    this.#lastRetryAfterMs = pauseMs;
    this.#cut(now, previousStormAt);
    const pausedMs = this.#pause(now, pauseMs);
    // The allowance refills during the pause; answers from before its end would inflate the next measure.
    this.#windowFloorAt = this.#pausedUntil;
    this.#acceptedSinceResume = 0;
    return { pauseMs: pausedMs, newStorm: true };
  }

  /** The duration of one answered request (not of a 429), for the typical latency. */
  latency(ms: number): void {
    const now = this.#clock.now();
    this.#latencyMs = this.#latencyMs === undefined ? ms : this.#latencyMs * 0.95 + ms * 0.05;
    this.#bestLatencyMs = Math.min(this.#bestLatencyMs, this.#latencyMs);
    // A service that starts queueing us (latency well above the best seen) gets fewer rows.
    if (
      this.#rate === undefined &&
      this.#latencyMs > this.#bestLatencyMs * 2.5 &&
      this.#latencyMs - this.#bestLatencyMs > 50 &&
      now - this.#lastLatencyCutAt >= 1_000
    ) {
      this.#lastLatencyCutAt = now;
      this.#lastGrowthAt = now;
      this.#unpacedLimit = Math.max(1, Math.floor(this.#unpacedLimit * 0.75));
    }
  }

  /** The typical latency of a request, or undefined before the first answer. */
  get typicalLatencyMs(): number | undefined {
    return this.#latencyMs;
  }

  /** Requests per second currently allowed, or undefined while unpaced. */
  get pacePerSecond(): number | undefined {
    return this.#rate;
  }

  get pausedUntil(): number {
    return this.#pausedUntil;
  }

  /**
   * How many rows are worth having in flight. Unpaced: from `startConcurrency`, one more per
   * `growEveryMs`. Paced: enough to keep the pace busy (pace × latency, doubled, plus two).
   */
  concurrency(): number {
    const now = this.#clock.now();
    let limit: number;
    if (this.#rate === undefined) {
      // Asked for by the executor as rows start: the growth clock starts with the first rows.
      this.#lastGrowthAt ??= now;
      const steps = Math.floor((now - this.#lastGrowthAt) / this.#o.growEveryMs);
      if (steps > 0) {
        this.#unpacedLimit = Math.min(this.#o.maxConcurrency, this.#unpacedLimit + steps);
        this.#lastGrowthAt += steps * this.#o.growEveryMs;
      }
      limit = this.#unpacedLimit;
    } else {
      const latencyS = (this.#latencyMs ?? 100) / 1000;
      limit = Math.min(this.#o.maxConcurrency, Math.max(1, Math.ceil(this.#rate * latencyS * 2) + 2));
    }
    this.#peak = Math.max(this.#peak, limit);
    return limit;
  }

  snapshot(): RateSnapshot {
    return {
      pacePerSecond: this.#rate === undefined ? null : Math.round(this.#rate * 100) / 100,
      pausedUntil: this.#pausedUntil,
      // Read, not asked for: a log line during start-up must not start the growth clock.
      concurrency: this.#rate === undefined ? this.#unpacedLimit : this.concurrency(),
      peakConcurrency: this.#peak,
      storms: this.#storms,
      typicalLatencyMs: this.#latencyMs === undefined ? null : Math.round(this.#latencyMs),
    };
  }

  /** Hears each pause as it starts (start-up checks tell "rate limited" from other failures). */
  onPause(listener: (untilMs: number) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Extends (never shortens) the shared pause; returns how long it now lasts. */
  #pause(now: number, ms: number): number {
    const until = now + ms;
    if (until > this.#pausedUntil) {
      this.#pausedUntil = until;
      // Slots handed out before the pause are void: after it, requests leave one slot apart.
      this.#nextSlot = until;
      for (const l of this.#listeners) l(until);
    }
    return this.#pausedUntil - now;
  }

  /**
   * The pace after a new storm. Unpaced: `backoff` × what the org accepted over the window.
   * Paced, the storm came after probes and the pace they started from was within what the org
   * sustained over the last cycle: back to that pace (the probe overshot). Otherwise the estimate
   * itself was too high (the allowance banked before the storm inflated it): the larger of
   * `sustainedShare` × what the org sustained over the last cycle (accepted since the pause ended,
   * over the time since the previous storm began, pause included: not above the limit while the
   * pause was too short for the allowance to refill completely) and `correction` × the pace.
   */
  #cut(now: number, previousStormAt: number): void {
    // A short Retry-After makes a second storm cheap: measure over the recent past (the rate the org
    // took at its limit). A long one makes it dear: measure longer, which leans low.
    const windowMs = Math.min(this.#o.maxWindowMs, Math.max(2 * this.#o.minWindowMs, 2 * this.#lastRetryAfterMs));
    const from = Math.max(now - windowMs, this.#windowFloorAt, this.#firstRequestAt ?? now);
    // Over a short span the allowance the org had banked dominates: divide by at least the minimum window.
    const measured = this.#countAcceptedSince(from) / (Math.max(this.#o.minWindowMs, now - from) / 1000);
    let next: number;
    this.#slowStart = measured === 0;
    if (this.#slowStart) {
      // Nothing accepted to measure (a 429 on the first request, or right after a pause): start
      // from one request per second and double each second the pace holds callers back.
      next = Math.min(this.#rate ?? 1, 1);
    } else if (this.#rate === undefined) {
      next = measured * this.#o.backoff;
    } else {
      const sustained = this.#acceptedSinceResume / ((now - previousStormAt) / 1000);
      const probed = this.#rate > this.#setPace;
      next =
        probed && this.#setPace <= sustained
          ? this.#setPace
          : Math.max(sustained * this.#o.sustainedShare, Math.min(probed ? this.#setPace : this.#rate, measured) * this.#o.correction);
      next = Math.min(this.#rate, next);
    }
    this.#rate = Math.max(this.#o.minRate, next);
    this.#setPace = this.#rate;
    this.#lastProbeAt = now;
    this.#acceptedSinceProbe = 0;
    this.#paceHeldBack = false;
  }

  /** Raises the pace by one step per interval, but only while the pace is what holds callers back. */
  #probe(now: number): void {
    if (this.#slowStart) {
      if (now - this.#lastProbeAt < 1_000) return;
      this.#lastProbeAt = now;
      if (!this.#paceHeldBack || this.#rate === undefined) return;
      this.#paceHeldBack = false;
      this.#rate *= 2;
      this.#setPace = this.#rate;
      return;
    }
    const every = Math.max(this.#o.probeEveryMs, this.#lastRetryAfterMs * this.#o.probeRetryAfterFactor);
    // A failed probe costs about one 429 per request in flight: probing only after `probeEveryAccepted`
    // accepted answers keeps that a small share of the traffic at low rates too.
    if (now - this.#lastProbeAt < every || now - this.#stormStartedAt < every || this.#acceptedSinceProbe < this.#o.probeEveryAccepted)
      return;
    this.#acceptedSinceProbe = 0;
    this.#lastProbeAt = now;
    if (!this.#paceHeldBack || this.#rate === undefined) return;
    this.#paceHeldBack = false;
    this.#rate *= this.#o.probeStep;
  }

  #recordAccepted(now: number): void {
    this.#acceptedSinceProbe++;
    if (now >= this.#windowFloorAt) this.#acceptedSinceResume++;
    this.#accepted.push(now);
    const horizon = now - this.#o.maxWindowMs;
    while (this.#acceptedHead < this.#accepted.length && this.#accepted[this.#acceptedHead]! < horizon) this.#acceptedHead++;
    if (this.#acceptedHead > 4096) {
      this.#accepted = this.#accepted.slice(this.#acceptedHead);
      this.#acceptedHead = 0;
    }
  }

  #countAcceptedSince(from: number): number {
    let n = 0;
    for (let i = this.#accepted.length - 1; i >= this.#acceptedHead && this.#accepted[i]! >= from; i--) n++;
    return n;
  }
}
