/** The realistic Webex profile of issue 7: latency 80 ± 40 ms, 12,000 requests/min per token, 1% 5xx, 0.05% hangs, 0.1% apply-then-drop. */
export const PROFILE = {
  latencyMs: 80,
  jitterMs: 40,
  rateLimitPerMin: 12_000,
  errorRate: 0.01,
  hangRate: 0.0005,
  applyThenDropRate: 0.001,
} as const;

export function simFlags(profile: typeof PROFILE = PROFILE): string[] {
  return [
    '--latency-ms', String(profile.latencyMs),
    '--jitter-ms', String(profile.jitterMs),
    '--rate-limit-per-min', String(profile.rateLimitPerMin),
    '--error-rate', String(profile.errorRate),
    '--hang-rate', String(profile.hangRate),
    '--apply-then-drop-rate', String(profile.applyThenDropRate),
  ];
}
