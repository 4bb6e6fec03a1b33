import type { PersonSettingUpdate, PersonSetting } from '@wbp/webex-client';
import type { StepTrail } from '../trail.js';
import type { StepEnv } from './env.js';
import { FRESH_DEFAULTS, type SettingChange } from './settings-payloads.js';

/** One PUT per setting; a GET first only when the body needs current values Webex has not just defaulted. */
export async function applySettings(env: StepEnv, personId: string, changes: SettingChange[], fresh: boolean, trail: StepTrail): Promise<void> {
  for (const change of changes) {
    const known = fresh ? FRESH_DEFAULTS[change.setting] : undefined;
    const current = change.needsCurrent ? (known ?? ((await env.port.settings.get(personId, change.setting)) as Record<string, unknown>)) : {};
    const body = change.build(current) as PersonSettingUpdate<PersonSetting>;
    await env.port.settings.update(personId, change.setting, body);
    trail.mutated(`${change.setting} (${change.column})`);
  }
}
