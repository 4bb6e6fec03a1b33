/** What wbp-sim is told about latency, the rate limit and faults (its command-line flags). */
export interface Profile {
  latencyMs: number;
  jitterMs: number;
  rateLimitPerMin: number;
  errorRate: number;
  hangRate: number;
  applyThenDropRate: number;
  /** The smallest Retry-After a 429 carries (wbp-sim's default: 1 s, or the bucket's own wait when longer). */
  minRetryAfterSeconds?: number;
}

/** The realistic Webex profile of issue 7: latency 80 ± 40 ms, 12,000 requests/min per token, 1% 5xx, 0.05% hangs, 0.1% apply-then-drop. */
export const PROFILE: Readonly<Profile> = {
  latencyMs: 80,
  jitterMs: 40,
  rateLimitPerMin: 12_000,
  errorRate: 0.01,
  hangRate: 0.0005,
  applyThenDropRate: 0.001,
};

export function simFlags(profile: Readonly<Profile> = PROFILE): string[] {
  return [
    '--latency-ms',
    String(profile.latencyMs),
    '--jitter-ms',
    String(profile.jitterMs),
    '--rate-limit-per-min',
    String(profile.rateLimitPerMin),
    '--error-rate',
    String(profile.errorRate),
    '--hang-rate',
    String(profile.hangRate),
    '--apply-then-drop-rate',
    String(profile.applyThenDropRate),
    ...(profile.minRetryAfterSeconds !== undefined ? ['--min-retry-after-seconds', String(profile.minRetryAfterSeconds)] : []),
  ];
}

/** One line describing a profile, for result.md. */
export function describeProfile(profile: Readonly<Profile>): string {
  return (
    `latency ${profile.latencyMs} ± ${profile.jitterMs} ms, ${profile.rateLimitPerMin} requests/min per token (429 + Retry-After` +
    `${profile.minRetryAfterSeconds !== undefined ? ` ≥ ${profile.minRetryAfterSeconds} s` : ''}), ${profile.errorRate * 100}% 5xx, ` +
    `${profile.hangRate * 100}% hangs, ${profile.applyThenDropRate * 100}% apply-then-drop`
  );
}

/** The command-line options both benches take (rows, seed, the AIMD ceiling), with `out` defaulting to `outDir`. */
export function benchOptions(outDir: string) {
  return {
    rows: { type: 'string', default: '21000' },
    out: { type: 'string', default: outDir },
    seed: { type: 'string', default: '42' },
    'concurrency-max': { type: 'string', default: '32' },
  } as const;
}
