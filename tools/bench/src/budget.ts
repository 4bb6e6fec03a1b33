import type { ReadyRow } from '@wbp/csv-contract';
import { SETTINGS } from '@wbp/executor-core';

/**
 * The documented per-row request budget (docs/performance.md): the fewest requests a correct run
 * needs for this CSV and this org state, with no fault, retry, hedge or 429. The bench divides
 * it by the rate limit to get the floor a run cannot beat.
 */
export interface OrgState {
  /** e-mails in the directory. */
  directory: ReadonlySet<string>;
  /** `location name (lower-case)|extension` already held by someone else. */
  takenExtensions: ReadonlySet<string>;
}

export const STARTUP_REQUESTS = 6; // people/me, locations?max=1, licenses; then the cache: locations, Calling locations, licenses

/**
 * The requests phase 2 sends for the settings of a person whose Calling it just enabled: one PUT
 * per Webex setting the row asks for (the columns of one setting share it), plus its GET when the
 * body needs values no known default gives (settings registry, `needsCurrent` without `fresh`).
 * The caller ID and the emergency callback number DIRECT_LINE that the person's assignment row
 * applies in phase 3 are counted there.
 */
function freshSettingsRequests(r: ReadyRow, hint: ReadyRow): { phase2: number; phase3: number } {
  const asked = SETTINGS.filter((e) => e.columns.some((c) => r[c.column] !== ''));
  const deferred = asked.filter(
    (e) =>
      (e.setting === 'callerId' && hint.caller_id_selected !== '') ||
      (e.setting === 'emergencyCallbackNumber' && hint.phone_number !== '' && e.needsDirectNumber?.(r.calling_settings_ecbn) === true),
  );
  const now = asked.filter((e) => !deferred.includes(e));
  return {
    phase2: now.length + now.filter((e) => e.needsCurrent && !e.fresh).length,
    phase3: deferred.filter((e) => e.setting !== 'callerId').length,
  };
}

export interface Budget {
  total: number;
  byPhase: { 1: number; 2: number; 3: number };
}

export function requiredRequests(rows: readonly ReadyRow[], org: OrgState): Budget {
  const byPhase = { 1: 0, 2: 0, 3: 0 };
  const nameByKey = new Map<string, string>();
  for (const r of rows) if (r.entity_type === 'location') nameByKey.set(r.location_key.toLowerCase(), r.location_name.toLowerCase());
  const siteOf = (key: string) => nameByKey.get(key.toLowerCase()) ?? key.toLowerCase();
  const hints = new Map<string, ReadyRow>();
  for (const r of rows) if (r.entity_type === 'extension_assignment' && !hints.has(r.email)) hints.set(r.email, r);
  /** People phase 2 gave their line to: phase 3 needs no lookup for that line. */
  const enabled = new Set<string>();
  /** e-mail → the emergency callback number its assignment row applies in phase 3 (0 or 1 PUT). */
  const finalEcbn = new Map<string, number>();
  /** Sites whose numbers and extensions were listed (once per run, by the first row that needs them). */
  const listed = new Set<string>();
  const listOnce = (site: string): number => {
    if (listed.has(site)) return 0;
    listed.add(site);
    return 1;
  };

  for (const r of rows) {
    if (r.entity_type === 'location') {
      byPhase[1] += 2; // create + enable Calling (the org starts without these sites)
    } else if (r.entity_type === 'user') {
      let n = 1; // user_lookup
      const hint = hints.get(r.email);
      if (
        !org.directory.has(r.email) ||
        r.calling_enabled === 'false' ||
        !hint ||
        (!hint.extension && !hint.phone_number) ||
        siteOf(hint.location_key) !== siteOf(r.location_key)
      ) {
        // lookup only: user_not_found, nothing to enable, or precondition_missing
      } else {
        const site = siteOf(hint.location_key);
        n += listOnce(site); // the site's lines, to check the extension/number before assigning
        if (!(hint.extension && org.takenExtensions.has(`${site}|${hint.extension}`))) {
          // licence assignment + one PUT per setting (fresh defaults: no GET, no compare). A person who
          // already had Calling (GET per setting, PUT only when it differs) is not modelled: the
          // generated sites' users never have Calling before the run.
          const settings = freshSettingsRequests(r, hint);
          n += 1 + settings.phase2;
          finalEcbn.set(r.email, settings.phase3);
          enabled.add(r.email);
        }
      }
      byPhase[2] += n;
    } else {
      const callerId = r.caller_id_selected !== '' ? 1 : 0;
      const hint = hints.get(r.email);
      if (!org.directory.has(r.email)) byPhase[3] += 1;
      else if (enabled.has(r.email) && hint === r) byPhase[3] += callerId + (finalEcbn.get(r.email) ?? 0);
      else {
        const site = siteOf(r.location_key);
        const takenHere = r.extension !== '' && org.takenExtensions.has(`${site}|${r.extension}`);
        byPhase[3] += 1 + listOnce(site) + (takenHere ? 0 : 1 + callerId); // lookup (+ the site's lines) (+ licence + caller ID)
      }
    }
  }
  return { total: STARTUP_REQUESTS + byPhase[1] + byPhase[2] + byPhase[3], byPhase };
}
