import { WebexApiError, type PersonSetting, type PersonSettingUpdate } from '@wbp/webex-client';
import { RowStop } from '../outcome.js';
import type { ReadPort, WebexPort } from '../port.js';
import type { StepTrail } from '../trail.js';
import type { StepEnv } from './env.js';
import type { SettingChange, SettingValue } from './settings-registry.js';

/** What the settings of one row came to, for its results line. */
export interface SettingsReport {
  /** Put on a person whose Calling this run enabled moments ago: `callWaiting (enabled: true)`. */
  set: string[];
  /** Read, found different and PUT: `callWaiting (enabled: false → true)`. */
  changed: string[];
  /** Read and found as the row asks: nothing sent. */
  alreadyRight: string[];
}

/** GET one setting of a person. */
async function readSetting(port: ReadPort, personId: string, setting: PersonSetting): Promise<SettingValue> {
  return (await port.settings.get(personId, setting)) as SettingValue;
}

/** PUT one setting of a person (only ever called through the apply point). */
async function writeSetting(port: WebexPort, personId: string, setting: PersonSetting, body: Record<string, unknown>): Promise<void> {
  await port.settings.update(personId, setting, body as PersonSettingUpdate<PersonSetting>);
}

/**
 * Webex refusing a licence-bound setting for this person (a 4xx other than auth, permission and
 * rate): their licence or location cannot take it (settings-registry.ts, `licenceBound`).
 */
function refusal(change: SettingChange, err: unknown): WebexApiError | undefined {
  // The read is covered too (Webex may refuse even to show a feature the licence lacks), but not a
  // 404: a person gone since the lookup is not a licence question and ends as any other failure.
  const refused = err instanceof WebexApiError && err.classification === 'non_retryable' && err.status !== 404;
  return change.licenceBound && refused ? err : undefined;
}

/**
 * A person who already had Calling: GET each setting, compare the fields the CSV controls, PUT only
 * the ones that differ, with the body built from the value just read. The GET replaces none of
 * today's requests for do-not-disturb and voicemail (their bodies needed it anyway) and replaces
 * the PUT of a setting that is already right, so a re-run costs one GET per setting and no write.
 *
 * A person whose Calling was enabled moments ago (`fresh`): no GET unless the body needs a value
 * nothing else gives (`needsCurrent` without known defaults), and the PUT is built from the known
 * defaults. Webex's defaults are not taken to be the row's wish, so every asked-for setting is PUT.
 *
 * A licence-bound setting Webex refuses for this person does not stop the others: the row then ends pending
 * `out_of_scope` with Webex's reason for each refused setting (half_applied when others were written).
 */
export async function applySettings(
  env: StepEnv,
  personId: string,
  changes: SettingChange[],
  fresh: boolean,
  trail: StepTrail,
): Promise<SettingsReport> {
  const report: SettingsReport = { set: [], changed: [], alreadyRight: [] };
  const refused: { change: SettingChange; err: WebexApiError }[] = [];
  const put = async (change: SettingChange, current: SettingValue, detail: string) => {
    const body = change.build(current);
    await env.apply.apply(
      trail,
      'apply_settings',
      detail,
      (port) => writeSetting(port, personId, change.setting, body),
      (projection) => projection.setting(personId, change.setting, { ...current, ...body }),
    );
    trail.mutated(`${change.setting} (${change.column})`);
  };
  for (const change of changes) {
    try {
      if (fresh) {
        // A plan cannot read a person it only plans to give Calling: what is copied is known after apply.
        const unread = !change.needsCurrent || env.apply.planning;
        const current = change.fresh ?? (unread ? {} : await readSetting(env.port, personId, change.setting));
        await put(change, current, `${change.setting}: ${change.wish} (Calling enabled by this run)`);
        report.set.push(`${change.setting} (${change.wish})`);
        continue;
      }
      const current = await readSetting(env.port, personId, change.setting);
      const comparison = change.compare(current);
      if (!comparison.differs) {
        report.alreadyRight.push(change.setting);
        continue;
      }
      await put(change, current, `${change.setting}: ${comparison.change}`);
      report.changed.push(`${change.setting} (${comparison.change})`);
    } catch (err) {
      const refusedBy = refusal(change, err);
      if (!refusedBy) throw err;
      refused.push({ change, err: refusedBy });
    }
  }
  if (refused.length > 0) {
    const done = describeSettings(report);
    const why = refused.map(({ change, err }) => `${change.setting} (${change.column}): ${err.message}`).join('; ');
    throw new RowStop(
      'out_of_scope',
      `Webex refused ${refused.length === 1 ? 'a setting' : 'settings'} for this person, which their licence or location cannot take: ${why}.${done ? ` Done: ${done}.` : ''} Leave the column empty for this user, or change their licence or location`,
      { httpStatus: refused[0]!.err.status, trackingId: refused[0]!.err.trackingId },
    );
  }
  return report;
}

/** `settings changed: callWaiting (enabled: false → true); already right: voicemail` ('' when empty). */
export function describeSettings(report: SettingsReport): string {
  return [
    report.set.length > 0 ? `settings set: ${report.set.join(', ')}` : '',
    report.changed.length > 0 ? `settings changed: ${report.changed.join(', ')}` : '',
    report.alreadyRight.length > 0 ? `already right: ${report.alreadyRight.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('; ');
}
