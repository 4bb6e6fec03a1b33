/** Everything about the simulated org's behaviour that can change at run time (POST /_sim/config). */
export interface SimConfig {
  /** Mean added latency per request, and the ± jitter around it (uniform). */
  latencyMs: number;
  jitterMs: number;
  /** Token bucket per token; 0 disables rate limiting. */
  rateLimitPerMin: number;
  /** Share of /v1 requests answered 500/502/503/504 without touching state. */
  errorRate: number;
  /** Share never answered (the client must time out). */
  hangRate: number;
  /** Share whose connection is reset before anything is applied. */
  resetRate: number;
  /** Share of 2xx responses with a body that is not valid JSON. */
  malformedRate: number;
  /** Share of 2xx responses with a required top-level field removed. */
  missingFieldRate: number;
  /** Share of mutations applied whose response is then lost (connection dropped). */
  applyThenDropRate: number;
  /**
   * Share of the late-apply operations (`POST /locations`, `POST /telephony/config/locations`,
   * `PATCH /licenses/users`) answered 504 at once, as a gateway would, while the backend goes on
   * and applies the mutation `lateApplyMs` later.
   */
  lateApplyRate: number;
  lateApplyMs: number;
  /** Lower bound of the `Retry-After` seconds on every 429 of the token bucket (0 = what the bucket needs). */
  minRetryAfterSeconds: number;
  /** Extension length the org accepts (Webex's org-wide setting). */
  extensionMinLength: number;
  extensionMaxLength: number;
  /** Webex rejects a second location with the same name; `allow` lets a naive bot create duplicates so they can be counted. */
  duplicateLocationNames: 'reject' | 'allow';
  /**
   * Whether the org has a call recording vendor. [sim choice] Without one, a PUT that enables a
   * person's call recording is refused (400, 27301), so a client's "cannot take it" path can be tested.
   */
  callRecordingVendor: boolean;
  /** The admin token; anything else is 401. */
  token: string;
  /** A token that authenticates but lacks admin scopes (403). */
  tokenNoScope?: string | undefined;
  seed: number;
}

export const DEFAULT_CONFIG: Omit<SimConfig, 'token'> = {
  latencyMs: 0,
  jitterMs: 0,
  rateLimitPerMin: 0,
  errorRate: 0,
  hangRate: 0,
  resetRate: 0,
  malformedRate: 0,
  missingFieldRate: 0,
  applyThenDropRate: 0,
  lateApplyRate: 0,
  lateApplyMs: 1000,
  minRetryAfterSeconds: 0,
  extensionMinLength: 2,
  extensionMaxLength: 6,
  duplicateLocationNames: 'reject',
  callRecordingVendor: true,
  seed: 1,
};

const RATES = ['errorRate', 'hangRate', 'resetRate', 'malformedRate', 'missingFieldRate', 'applyThenDropRate', 'lateApplyRate'] as const;
const NUMBERS = [
  'latencyMs',
  'jitterMs',
  'rateLimitPerMin',
  'lateApplyMs',
  'minRetryAfterSeconds',
  'extensionMinLength',
  'extensionMaxLength',
  'seed',
] as const;

/** Validates a partial config update (from the control API or flags); throws with a clear message. */
export function parseConfigPatch(input: unknown): Partial<SimConfig> {
  if (typeof input !== 'object' || input === null) throw new Error('config must be a JSON object');
  const patch: Partial<SimConfig> = {};
  for (const [key, value] of Object.entries(input)) {
    if ((RATES as readonly string[]).includes(key)) {
      if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw new Error(`${key} must be a number in [0, 1]`);
      patch[key as (typeof RATES)[number]] = value;
    } else if ((NUMBERS as readonly string[]).includes(key)) {
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new Error(`${key} must be a number ≥ 0`);
      patch[key as (typeof NUMBERS)[number]] = value;
    } else if (key === 'duplicateLocationNames') {
      if (value !== 'reject' && value !== 'allow') throw new Error('duplicateLocationNames must be "reject" or "allow"');
      patch.duplicateLocationNames = value;
    } else if (key === 'callRecordingVendor') {
      if (typeof value !== 'boolean') throw new Error('callRecordingVendor must be true or false');
      patch.callRecordingVendor = value;
    } else if (key === 'token' || key === 'tokenNoScope') {
      if (typeof value !== 'string' || value === '') throw new Error(`${key} must be a non-empty string`);
      patch[key] = value;
    } else {
      throw new Error(`unknown config key "${key}"`);
    }
  }
  return patch;
}
