import type { PersonSettingUpdate, PersonSetting } from '@wbp/webex-client';
import type { StepTrail } from '../trail.js';
import type { StepEnv } from './env.js';
import { FRESH_DEFAULTS, type SettingChange, type SettingValue } from './settings-payloads.js';

/** What the settings of one row came to, for its results line. */
export interface SettingsReport {
  /** Put on a person whose Calling this run enabled moments ago: `callWaiting (enabled: true)`. */
  set: string[];
  /** Read, found different and PUT: `callWaiting (enabled: false → true)`. */
  changed: string[];
  /** Read and found as the row asks: nothing sent. */
  alreadyRight: string[];
}

/**
 * A person who already had Calling: GET each setting, compare the fields the CSV controls, PUT only
 * the ones that differ, with the body built from the value just read. The GET replaces none of
 * today's requests for do-not-disturb and voicemail (their bodies needed it anyway) and replaces
 * the PUT of a setting that is already right, so a re-run costs one GET per setting and no write.
 *
 * A person whose Calling was enabled moments ago (`fresh`): no GET, the PUT is built from the known
 * defaults. Webex's defaults are not taken to be the row's wish, so every asked-for setting is PUT.
 */
export async function applySettings(
  env: StepEnv,
  personId: string,
  changes: SettingChange[],
  fresh: boolean,
  trail: StepTrail,
): Promise<SettingsReport> {
  const report: SettingsReport = { set: [], changed: [], alreadyRight: [] };
  const read = async (setting: PersonSetting) => (await env.port.settings.get(personId, setting)) as SettingValue;
  const put = async (change: SettingChange, current: SettingValue, detail: string) => {
    const body = change.build(current);
    await env.apply.apply(
      trail,
      'apply_settings',
      detail,
      (port) => port.settings.update(personId, change.setting, body as PersonSettingUpdate<PersonSetting>),
      (projection) => projection.setting(personId, change.setting, { ...current, ...body }),
    );
    trail.mutated(`${change.setting} (${change.column})`);
  };
  for (const change of changes) {
    if (fresh) {
      const current = change.needsCurrent ? (FRESH_DEFAULTS[change.setting] ?? (await read(change.setting))) : {};
      await put(change, current, `${change.setting}: ${change.wish} (Calling enabled by this run)`);
      report.set.push(`${change.setting} (${change.wish})`);
      continue;
    }
    const current = await read(change.setting);
    const comparison = change.compare(current);
    if (!comparison.differs) {
      report.alreadyRight.push(change.setting);
      continue;
    }
    await put(change, current, `${change.setting}: ${comparison.change}`);
    report.changed.push(`${change.setting} (${comparison.change})`);
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
