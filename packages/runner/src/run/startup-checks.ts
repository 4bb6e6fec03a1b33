import { WebexApiError, type WebexClient } from '@wbp/webex-client';
import type { RunLogger } from '@wbp/executor-core';

export type StartupResult = { ok: true } | { ok: false; cause: string };

/**
 * §10 pre-flight, before any row: the token works (GET /people/me), the admin can read locations
 * (GET /locations, one item), and the Calling licence is discoverable (GET /licenses). Any failure
 * stops the run with no row processed.
 */
export async function startupChecks(client: WebexClient, log: RunLogger): Promise<StartupResult> {
  try {
    const me = await client.people.me();
    await client.raw.device.GET('/locations', { params: { query: { max: 1 } } }).then(({ response }) => {
      if (!response.ok) throw new Error(`GET /locations answered HTTP ${response.status}`);
    });
    const licences = await client.licenses.list();
    const calling = licences.filter((l) => l.name?.startsWith('Webex Calling - Professional'));
    const free = calling.reduce((n, l) => n + Math.max(0, (l.totalUnits ?? 0) - (l.consumedUnits ?? 0)), 0);
    if (calling.length === 0) log.warn({ event: 'startup_checks', licence: 'none' }, 'no Webex Calling - Professional licence in the org: enabling Calling will end precondition_missing');
    log.info({ event: 'startup_checks', startup_checks: 'pass', admin_id: me.id, calling_licence_units_free: free }, 'startup_checks=pass');
    return { ok: true };
  } catch (err) {
    const cause =
      err instanceof WebexApiError
        ? `${err.classification}: ${err.method} ${err.path} ${err.status ?? err.failure}${err.trackingId ? ` (trackingId ${err.trackingId})` : ''}`
        : err instanceof Error
          ? err.message
          : String(err);
    log.fatal({ event: 'startup_checks', startup_checks: 'fail', cause }, 'startup_checks=fail');
    return { ok: false, cause };
  }
}
