import type { PersonSetting } from '@wbp/webex-client';
import { field, type ExecRow } from '../row.js';

/**
 * One PUT a CSV column asks for. `build` is pure; when a PUT body has required fields the row
 * does not carry (voicemail, do-not-disturb), they are copied from the current value so nothing
 * else the user had is overwritten.
 */
export interface SettingChange {
  setting: PersonSetting;
  column: string;
  needsCurrent: boolean;
  build: (current: Record<string, unknown>) => Record<string, unknown>;
}

/** What Webex holds for a person whose Calling was enabled moments ago: no GET needed. */
export const FRESH_DEFAULTS: Partial<Record<PersonSetting, Record<string, unknown>>> = {
  doNotDisturb: { enabled: false, ringSplashEnabled: false, webexGoOverrideEnabled: false },
  voicemail: { notifications: { enabled: false }, transferToNumber: { enabled: false } },
};

const bool = (v: string) => v === 'true';

/** The user-row settings (input_schema.md, "calling_settings_*"), in a fixed order. */
export function userSettingChanges(row: ExecRow): SettingChange[] {
  const out: SettingChange[] = [];
  const callWaiting = field(row, 'calling_settings_call_waiting');
  if (callWaiting) {
    out.push({ setting: 'callWaiting', column: 'calling_settings_call_waiting', needsCurrent: false, build: () => ({ enabled: bool(callWaiting) }) });
  }
  const dnd = field(row, 'calling_settings_do_not_disturb');
  if (dnd) {
    out.push({
      setting: 'doNotDisturb',
      column: 'calling_settings_do_not_disturb',
      needsCurrent: true,
      build: (cur) => ({
        enabled: bool(dnd),
        ringSplashEnabled: cur.ringSplashEnabled === true,
        webexGoOverrideEnabled: cur.webexGoOverrideEnabled === true,
      }),
    });
  }
  const voicemail = field(row, 'calling_settings_voicemail');
  if (voicemail) {
    out.push({
      setting: 'voicemail',
      column: 'calling_settings_voicemail',
      needsCurrent: true,
      build: (cur) => ({
        enabled: bool(voicemail),
        notifications: cur.notifications ?? { enabled: false },
        transferToNumber: cur.transferToNumber ?? { enabled: false },
      }),
    });
  }
  const forward = field(row, 'calling_settings_forward_always');
  if (forward) {
    out.push({
      setting: 'callForwarding',
      column: 'calling_settings_forward_always',
      needsCurrent: false,
      build: () => ({ callForwarding: { always: { enabled: true, destination: forward } } }),
    });
  }
  const callerId = field(row, 'calling_settings_caller_id');
  if (callerId) out.push(callerIdChange(callerId, 'calling_settings_caller_id'));
  return out;
}

export function callerIdChange(selected: string, column: string): SettingChange {
  return { setting: 'callerId', column, needsCurrent: false, build: () => ({ selected }) };
}
