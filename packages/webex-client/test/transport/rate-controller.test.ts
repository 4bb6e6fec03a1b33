import { describe, expect, it } from 'vitest';
import { ModelBucket, VirtualClock } from '../model-org.js';
import { runModelJob } from '../model-run.js';
import { RateController } from '../../src/transport/rate-controller.js';

/** Callers that wait on the controller; returns when each left (virtual ms). */
async function leaveTimes(ctl: RateController, clock: VirtualClock, callers: number, untilMs: number): Promise<number[]> {
  const left: number[] = [];
  for (let i = 0; i < callers; i++) void ctl.acquire().then(() => left.push(clock.now()));
  await clock.run(untilMs);
  return left;
}

describe('RateController', () => {
  it('is unpaced until the first 429, then honours its Retry-After once for every caller', async () => {
    const clock = new VirtualClock();
    const ctl = new RateController({ clock });
    expect(ctl.pacePerSecond).toBeUndefined();
    const tickets = await Promise.all([ctl.acquire(), ctl.acquire(), ctl.acquire()]);
    // Three requests in flight when the org says "60 s": one storm, one pause, whatever the order.
    expect(ctl.settle(tickets[0]!, 429, 60_000, 1_000)).toEqual({ pauseMs: 60_000, newStorm: true });
    expect(ctl.settle(tickets[1]!, 429, 60_000, 1_000).newStorm).toBe(false);
    expect(ctl.settle(tickets[2]!, 429, 60_000, 1_000).newStorm).toBe(false);
    expect(ctl.snapshot().storms).toBe(1);
    const left = await leaveTimes(ctl, clock, 3, 59_999);
    expect(left).toEqual([]);
  });

  it('after a pause releases waiting callers one pace slot apart, never at once', async () => {
    const clock = new VirtualClock();
    const ctl = new RateController({ clock });
    // 50 accepted answers over two seconds, then a storm: the pace is learnt from them.
    for (let i = 0; i < 50; i++) {
      ctl.settle(await ctl.acquire(), 200, undefined, 1_000);
      await clock.advance(40);
    }
    ctl.settle(await ctl.acquire(), 429, 5_000, 1_000);
    const pace = ctl.pacePerSecond!;
    expect(pace).toBeGreaterThan(10);
    expect(pace).toBeLessThan(25);
    const left = await leaveTimes(ctl, clock, 20, clock.now() + 60_000);
    expect(left).toHaveLength(20);
    expect(left[0]).toBe(2_000 + 5_000);
    const gaps = left.slice(1).map((t, i) => t - left[i]!);
    for (const gap of gaps) expect(gap).toBeCloseTo(1000 / pace, 6);
  });

  it('a 429 of a request sent before the storm never starts another pause once the pause is over', async () => {
    const clock = new VirtualClock();
    const ctl = new RateController({ clock });
    const early = { sentAt: clock.now() };
    ctl.settle({ sentAt: clock.now() }, 429, 1_000, 1_000);
    await clock.advance(2_000);
    expect(ctl.settle(early, 429, 60_000, 1_000)).toEqual({ pauseMs: 0, newStorm: false });
    // A request sent after the pause that meets a 429 is a new storm.
    expect(ctl.settle(await ctl.acquire(), 429, 60_000, 1_000)).toEqual({ pauseMs: 60_000, newStorm: true });
  });

  it('a 429 with nothing accepted to measure starts slowly and doubles, instead of guessing a pace', async () => {
    const clock = new VirtualClock();
    const ctl = new RateController({ clock });
    ctl.settle(await ctl.acquire(), 429, 1_000, 1_000);
    expect(ctl.pacePerSecond).toBe(1);
    void (async () => {
      for (;;) await ctl.acquire();
    })();
    await clock.advance(4_500);
    expect(ctl.pacePerSecond).toBe(8);
  });

  it('a 503 or 423 with Retry-After pauses everyone but teaches no pace', () => {
    const ctl = new RateController({ clock: new VirtualClock() });
    expect(ctl.settle({ sentAt: 0 }, 503, 2_000, 1_000).pauseMs).toBe(2_000);
    expect(ctl.pausedUntil).toBe(2_000);
    expect(ctl.pacePerSecond).toBeUndefined();
  });

  it('probes upwards only while the pace holds callers back, and more rarely after a long Retry-After', async () => {
    const clock = new VirtualClock();
    const ctl = new RateController({ clock, probeEveryMs: 10_000 });
    for (let i = 0; i < 20; i++) {
      ctl.settle(await ctl.acquire(), 200, undefined, 1_000);
      await clock.advance(100);
    }
    ctl.settle(await ctl.acquire(), 429, 60_000, 1_000);
    const start = ctl.pacePerSecond!;
    expect(start).toBeCloseTo(10 * 0.9, 6);
    // No demand for 20 minutes: the pace is never what holds anyone back, so it does not grow.
    await clock.advance(1_200_000);
    await ctl.acquire();
    expect(ctl.pacePerSecond).toBe(start);
    // Demand: a caller always waiting. The first probe after 100 accepted answers, then every max(5 s, 5 × 60 s) = 300 s: 3 in 700 s.
    const end = clock.now() + 700_000;
    void (async () => {
      for (;;) ctl.settle(await ctl.acquire(), 200, undefined, 1_000);
    })();
    while (clock.now() < end) await clock.advance(60_000);
    expect(ctl.pacePerSecond! / start).toBeCloseTo(1.02 ** 3, 6);
  });

  it('sizes rows in flight to the pace once paced, and grows them slowly before', async () => {
    const clock = new VirtualClock();
    const ctl = new RateController({ clock, startConcurrency: 4, maxConcurrency: 32, growEveryMs: 1_000 });
    expect(ctl.concurrency()).toBe(4);
    await clock.advance(3_000);
    expect(ctl.concurrency()).toBe(7);
    ctl.latency(100);
    ctl.settle({ sentAt: clock.now() }, 429, 1_000, 1_000);
    // The floor pace (0.1/s) needs no more than a few rows.
    expect(ctl.concurrency()).toBeLessThanOrEqual(3);
    expect(ctl.snapshot().peakConcurrency).toBe(7);
  });

  it('validates its options', () => {
    expect(() => new RateController({ backoff: 1.2 })).toThrow(
      new TypeError('throttle.backoff must be a number above 0 and below 1, got 1.2'),
    );
    expect(() => new RateController({ probeStep: 1 })).toThrow(new TypeError('throttle.probeStep must be a number above 1, got 1'));
    expect(() => new RateController({ maxConcurrency: 0 })).toThrow(
      new TypeError('throttle.maxConcurrency must be a whole number ≥ 1, got 0'),
    );
    expect(() => new RateController({ minWindowMs: 6_000 })).toThrow(
      new TypeError('throttle.maxWindowMs must be at least twice throttle.minWindowMs (6000), got 10000'),
    );
    expect(() => new RateController({ startConcurrency: 40 })).toThrow(
      new TypeError('throttle.startConcurrency must be at most throttle.maxConcurrency (32), got 40'),
    );
  });
});

describe('RateController against a model token bucket (virtual clock)', () => {
  // A job of rows of four sequential requests (90 ms each) after six start-up requests, against an
  // org whose limit is a token bucket the controller knows nothing about. Bounds: at most 2 % of
  // requests refused (3 % at 0.5/s, where a job has few requests), at most three storms (four at 0.5/s) when a
  // storm is expensive (Retry-After ≥ 15 s), and the wall time within 20 % of the floor (accepted
  // requests / limit) plus the Retry-Afters of the storms it took to learn the limit.
  const cases = [0.5, 1, 5, 20, 50, 200, 500].flatMap((rate) => [1, 15, 60].map((retryAfterS) => ({ rate, retryAfterS })));
  it.each(cases)(
    'limit $rate/s, Retry-After $retryAfterS s',
    async ({ rate, retryAfterS }) => {
      const rows = Math.max(120, Math.round((rate * 240) / 4));
      const r = await runModelJob({ ratePerSecond: rate, minRetryAfterS: retryAfterS, rows, controller: { maxConcurrency: 64 } });
      expect(r.share429).toBeLessThanOrEqual(rate < 1 ? 0.03 : 0.02);
      if (retryAfterS >= 15) expect(r.storms).toBeLessThanOrEqual(rate < 1 ? 4 : 3);
      // Known weakness, kept visible: at 500/s a long Retry-After's 10 s window still holds the ramp-up,
      // so the first pace lands near 0.8 × the limit and the rare probes take long to win it back.
      const slack = rate >= 500 && retryAfterS >= 15 ? 1.6 : 1.2;
      expect(r.wallS).toBeLessThanOrEqual(slack * r.floorS + Math.min(r.storms, 3) * retryAfterS + 5);
    },
    20_000,
  );

  it('a bucket that banks five seconds of allowance costs more storms, still bounded and polite', async () => {
    const r = await runModelJob({ ratePerSecond: 20, minRetryAfterS: 15, rows: 1500, burstSeconds: 5, controller: { maxConcurrency: 64 } });
    expect(r.share429).toBeLessThanOrEqual(0.01);
    expect(r.storms).toBeLessThanOrEqual(6);
    expect(r.wallS).toBeLessThanOrEqual(1.2 * r.floorS + r.storms * 15);
  });

  it('the model bucket refuses exactly beyond its allowance', () => {
    const b = new ModelBucket(2, 1);
    expect([b.take(0), b.take(0), b.take(0)]).toEqual([undefined, undefined, 0.5]);
    expect(b.take(500)).toBeUndefined();
  });
});
