import { OrgCache, type ReadPort, type RunLogger } from '@wbp/executor-core';
import { createWebexClient, WebexApiError, type WebexClient, type WebexClientOptions } from '@wbp/webex-client';

/**
 * Each start-up request gets this long for its retries and back-off: a Webex that keeps failing
 * ends the start-up in about 20 s (plus any pause it asked for with Retry-After), not after the many
 * minutes a request of the run itself may take.
 */
export const STARTUP_CALL_BUDGET_MS = 20_000;
/**
 * On top of that, what a start-up request may spend waiting out 429s: the org's Retry-After is
 * honoured (once, for every caller, by the shared rate controller) up to the client's cap, so a
 * throttled org delays the start instead of failing it; one that keeps refusing still ends it.
 */
export const STARTUP_RATE_LIMIT_BUDGET_MS = 150_000;
const STARTUP_RETRIES = 3;

/** The client of the start-up requests: the run's options with short budgets, sharing the run client's rate controller. */
export function startupClient(options: WebexClientOptions, run: WebexClient): WebexClient {
  return createWebexClient({
    ...options,
    // The run client's controller, as it is: the rate-model options were given to it.
    throttle: { rate: run.rate, waitBudgetMs: STARTUP_RATE_LIMIT_BUDGET_MS },
    retry: { ...options.retry, retries: Math.min(options.retry?.retries ?? STARTUP_RETRIES, STARTUP_RETRIES), maxDelayMs: 5_000 },
    timeout: { ...options.timeout, callMs: STARTUP_CALL_BUDGET_MS + STARTUP_RATE_LIMIT_BUDGET_MS },
  });
}

export type StartupResult = { ok: true; org: OrgCache } | { ok: false; cause: string };

function failureCause(err: unknown, step: string, rateLimited: boolean): string {
  if (err instanceof WebexApiError) {
    if (err.status === 429 || (rateLimited && err.failure === 'timeout')) {
      return `rate limited: Webex refused ${err.method} ${err.path} with 429 for longer than the ${STARTUP_RATE_LIMIT_BUDGET_MS / 1000} s a start-up request may wait — the org rate-limits this token; try again later`;
    }
    return `${err.classification}: ${err.method} ${err.path} ${err.status ?? err.failure}${err.trackingId ? ` (trackingId ${err.trackingId})` : ''}`;
  }
  return `${step}: ${err instanceof Error ? err.message : String(err)}`;
}

/**
 * §10 pre-flight, before any row: the token works (GET /people/me), the admin can read locations
 * (GET /locations, one item), the Calling licence is discoverable (GET /licenses), and the
 * run-wide org lookups every row relies on (locations, Calling locations, licences) answer. Any
 * failure stops the run with no row processed. The requests go through `startup` (a short budget);
 * what the returned cache looks up later (each location's lines) goes through `run` (or `orgPort`).
 */
export async function startupChecks(
  startup: WebexClient,
  run: WebexClient,
  log: RunLogger,
  pinnedLicenceId: string | undefined,
  orgPort?: ReadPort,
): Promise<StartupResult> {
  let rateLimited = false;
  const stopListening = startup.rate.onPause(() => (rateLimited = true));
  let step = 'GET /people/me';
  try {
    const me = await startup.people.me();
    step = 'GET /locations';
    // The raw client rejects every failure with WebexApiError, like the operations.
    await startup.raw.device.GET('/locations', { params: { query: { max: 1 } } });
    step = 'GET /licenses';
    const licences = await startup.licenses.list();
    const calling = licences.filter((l) => l.name?.startsWith('Webex Calling - Professional'));
    const free = calling.reduce((n, l) => n + Math.max(0, (l.totalUnits ?? 0) - (l.consumedUnits ?? 0)), 0);
    if (calling.length === 0)
      log.warn(
        { event: 'startup_checks', licence: 'none' },
        'no Webex Calling - Professional licence in the org: enabling Calling will end precondition_missing',
      );
    step = 'org lookups';
    // `orgPort`: a plan's read-only reader, which the cache then reads every location's lines through.
    const lookups: ReadPort = orgPort ?? {
      people: run.people,
      numbers: run.numbers,
      settings: run.settings,
      locations: startup.locations,
      callingLocations: startup.callingLocations,
      licenses: startup.licenses,
    };
    const org = await OrgCache.load(lookups, pinnedLicenceId);
    log.info({ event: 'startup_checks', startup_checks: 'pass', admin_id: me.id, calling_licence_units_free: free }, 'startup_checks=pass');
    return { ok: true, org };
  } catch (err) {
    const cause = failureCause(err, step, rateLimited);
    log.fatal({ event: 'startup_checks', startup_checks: 'fail', cause }, 'startup_checks=fail');
    return { ok: false, cause };
  } finally {
    stopListening();
  }
}
