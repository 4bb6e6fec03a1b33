import { RateController, type RateControlOptions } from '../src/transport/rate-controller.js';
import { ModelBucket, VirtualClock } from './model-org.js';

export interface ModelJob {
  ratePerSecond: number;
  /** Lower bound of the Retry-After the org sends, seconds. */
  minRetryAfterS: number;
  rows: number;
  requestsPerRow?: number;
  latencyMs?: number;
  burstSeconds?: number;
  controller?: RateControlOptions;
  /** Requests sent one after another before the rows (the start-up checks; default 6). */
  startupRequests?: number;
}

export interface ModelResult {
  wallS: number;
  floorS: number;
  ratio: number;
  accepted: number;
  rejected: number;
  share429: number;
  storms: number;
  pace: number | null;
}

/** One job of `rows` rows, each a few sequential requests, against a token bucket, on a virtual clock. */
export async function runModelJob(job: ModelJob): Promise<ModelResult> {
  const clock = new VirtualClock();
  const bucket = new ModelBucket(job.ratePerSecond, job.burstSeconds ?? 1);
  const ctl = new RateController({ ...job.controller, clock });
  const latency = job.latencyMs ?? 90;
  const perRow = job.requestsPerRow ?? 4;
  let accepted = 0;
  let rejected = 0;
  const request = async (): Promise<void> => {
    for (;;) {
      const ticket = await ctl.acquire();
      await clock.sleep(latency / 2);
      const wait = bucket.take(clock.now());
      await clock.sleep(latency / 2);
      if (wait === undefined) {
        accepted++;
        ctl.latency(latency);
        ctl.settle(ticket, 200, undefined, 1000);
        return;
      }
      rejected++;
      const ra = Math.max(1, job.minRetryAfterS, Math.ceil(wait)) * 1000;
      ctl.settle(ticket, 429, ra, 1000);
    }
  };
  let next = 0;
  let inFlight = 0;
  let done = 0;
  let finished!: () => void;
  const all = new Promise<void>((r) => (finished = r));
  const row = async () => {
    for (let i = 0; i < perRow; i++) await request();
    inFlight--;
    if (++done === job.rows) finished();
    fill();
  };
  const fill = () => {
    while (next < job.rows && inFlight < ctl.concurrency()) {
      next++;
      inFlight++;
      void row();
    }
  };
  // A scheduler that re-checks the limit now and then, as the executor's phase runner does.
  let ticking = true;
  const tick = async () => {
    while (ticking) {
      fill();
      await clock.sleep(100);
    }
  };
  let over = false;
  const job$ = (async () => {
    // The start-up checks: a few requests one after the other before any row.
    for (let i = 0; i < (job.startupRequests ?? 6); i++) await request();
    fill();
    void tick();
    await all;
    over = true;
    ticking = false;
  })();
  while (!over) await clock.run(clock.now() + 3_600_000);
  await job$;
  const wallS = clock.now() / 1000;
  const floorS = accepted / job.ratePerSecond;
  const snap = ctl.snapshot();
  return {
    wallS,
    floorS,
    ratio: wallS / floorS,
    accepted,
    rejected,
    share429: rejected / (accepted + rejected),
    storms: snap.storms,
    pace: snap.pacePerSecond,
  };
}
