import type { HttpHandler } from 'msw';
import { DEFAULT_CONFIG, type SimConfig } from './config.js';
import type { SimContext } from './context.js';
import { controlHandlers } from './handlers/control.js';
import { licenseHandlers } from './handlers/licenses.js';
import { locationHandlers } from './handlers/locations.js';
import { numberHandlers } from './handlers/numbers.js';
import { oauthHandlers, type OAuthClient } from './handlers/oauth.js';
import { peopleHandlers } from './handlers/people.js';
import { settingHandlers } from './handlers/settings.js';
import { OrgState, type OrgSeed } from './org/org-state.js';
import { unknownOperation } from './pipeline.js';
import { createPrng } from './prng.js';
import { RequestStats } from './stats.js';
import { TokenBuckets } from './token-bucket.js';

export interface SimulatorOptions extends Partial<SimConfig> {
  token: string;
  seed?: number;
  people?: OrgSeed['people'];
  numbers?: OrgSeed['numbers'];
  /** Units of *Webex Calling - Professional*: a number (one entry) or one number per entry (subscription). */
  callingLicenses?: number | readonly number[];
  /** Give every seeded person without a `mobile` a generated directory mobile number. */
  mobileForAll?: boolean;
  /** A service app whose refresh token yields the current admin token (POST /v1/access_token). */
  oauthClient?: OAuthClient;
  /** Called as each /v1 request arrives (crash tests kill a client at a chosen request). */
  onRequest?: (operation: string, total: number) => void;
}

export interface Simulator {
  /** msw handlers: use with setupServer (in-process) or behind the HTTP server. */
  handlers: HttpHandler[];
  readonly config: SimConfig;
  readonly org: OrgState;
  configure(patch: Partial<SimConfig>): SimConfig;
  /** Back to the seeded org with zeroed counters. */
  reset(): void;
  /** A directory (LDAP) sync bringing one person in, without Calling; returns their id (test hook, also `POST /_sim/people`). */
  syncPerson(person: { email: string; displayName?: string | undefined }): string;
  stats(): {
    requests: ReturnType<RequestStats['toJSON']> & { refusedNoUnits: number };
    state: ReturnType<OrgState['counts']>;
    invalidSamples: RequestStats['invalidSamples'];
  };
  state(): unknown;
}

/** A simulated Webex org: state, rules, faults and the referee's counters. */
export function createSimulator(options: SimulatorOptions): Simulator {
  const { people = [], numbers = [], callingLicenses = 100_000, mobileForAll = false, onRequest, oauthClient, ...configInput } = options;
  const config: SimConfig = { ...DEFAULT_CONFIG, ...configInput };
  const seed: OrgSeed = { people, numbers, callingLicenses, mobileForAll };
  const stats = new RequestStats();
  const buckets = new TokenBuckets(config.rateLimitPerMin);
  let trackingCounter = 0;
  const newOrg = () => new OrgState(seed, () => ({ min: config.extensionMinLength, max: config.extensionMaxLength }));
  const ctx: SimContext = {
    org: newOrg(),
    config,
    stats,
    buckets,
    random: createPrng(config.seed),
    seed,
    nextTrackingId: () => `SIM_${(++trackingCounter).toString().padStart(8, '0')}`,
    onRequest,
  };
  const get = () => ctx;

  const sim: Simulator = {
    handlers: [],
    get config() {
      return ctx.config;
    },
    get org() {
      return ctx.org;
    },
    configure(patch) {
      const rateChanged = patch.rateLimitPerMin !== undefined && patch.rateLimitPerMin !== config.rateLimitPerMin;
      Object.assign(config, patch);
      if (rateChanged) buckets.setRate(config.rateLimitPerMin);
      if (patch.seed !== undefined) ctx.random = createPrng(config.seed);
      return { ...config };
    },
    reset() {
      ctx.org = newOrg();
      stats.reset();
      buckets.setRate(config.rateLimitPerMin);
      ctx.random = createPrng(config.seed);
    },
    syncPerson(person) {
      return ctx.org.syncPerson(person);
    },
    stats() {
      return {
        requests: { ...stats.toJSON(), refusedNoUnits: ctx.org.refusedNoUnits },
        state: ctx.org.counts(),
        invalidSamples: stats.invalidSamples,
      };
    },
    state() {
      const org = ctx.org;
      return {
        people: [...org.people.values()],
        locations: [...org.locations.values()],
        callingLocations: Object.fromEntries(org.callingLocations),
        numbers: Object.fromEntries(org.numbers),
        licenses: org.licenses.map((l) => ({ ...l, consumedUnits: org.consumed(l.id) })),
      };
    },
  };
  sim.handlers = [
    ...controlHandlers({
      stats: () => sim.stats(),
      state: () => sim.state(),
      reset: () => sim.reset(),
      syncPerson: (person) => sim.syncPerson(person),
      configure: (patch) => {
        const { token: _t, tokenNoScope: _n, ...visible } = sim.configure(patch);
        return visible;
      },
    }),
    ...oauthHandlers(get, () => oauthClient),
    ...peopleHandlers(get),
    ...licenseHandlers(get),
    ...locationHandlers(get),
    ...numberHandlers(get),
    ...settingHandlers(get),
    unknownOperation(get),
  ];
  return sim;
}
