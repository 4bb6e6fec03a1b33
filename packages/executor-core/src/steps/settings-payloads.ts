import type { PersonSetting } from '@wbp/webex-client';
import { field, type ExecRow } from '../row.js';

/**
 * A setting's value as `GET /people/{id}/features/{setting}` returns it (or the known fresh
 * defaults). Read defensively: the compare and the bodies only look at the fields they name, and
 * a field Webex leaves out reads as "not set", never as a crash.
 */
export type SettingValue = Readonly<Record<string, unknown>>;

/** One field the CSV controls: what Webex holds, what the row asks for, and whether they agree. */
export interface FieldComparison {
  /** Path inside the setting's value, e.g. `enabled`, `always.destination`. */
  field: string;
  current: string | boolean | undefined;
  wanted: string | boolean;
  same: boolean;
}

/** What `compare` says about one setting: only the fields the CSV controls are looked at. */
export interface SettingComparison {
  setting: PersonSetting;
  fields: FieldComparison[];
  differs: boolean;
  /** `field: old → new` for each differing field, comma-separated; '' when nothing differs. */
  change: string;
}

/**
 * One setting a CSV column asks for. `compare` and `build` are pure: `compare` says whether the
 * value Webex holds already is what the row wants (a later `plan` calls it without writing);
 * `build` is the PUT body made from the value just read, so the fields the CSV does not control
 * (and the required ones the row does not carry, for voicemail and do-not-disturb) are kept.
 */
export interface SettingChange {
  setting: PersonSetting;
  column: string;
  /** The body carries current values: for a person just enabled they come from FRESH_DEFAULTS. */
  needsCurrent: boolean;
  compare: (current: SettingValue) => SettingComparison;
  build: (current: SettingValue) => Record<string, unknown>;
  /** The wish as `field: value` text, for a person just enabled (nothing was read to compare). */
  wish: string;
}

const OFF = { enabled: false } as const;

/**
 * What Webex holds for a person whose Calling was enabled moments ago, for the settings whose
 * body must carry current values: no GET needed. These are not assumed to equal the CSV's wish:
 * such a person's settings are always PUT.
 */
export const FRESH_DEFAULTS: Partial<Record<PersonSetting, SettingValue>> = {
  doNotDisturb: { enabled: false, ringSplashEnabled: false, webexGoOverrideEnabled: false },
  voicemail: { notifications: OFF, transferToNumber: OFF },
};

// ---- reading a GET value -------------------------------------------------------------------

function objectAt(value: unknown, key: string): SettingValue {
  const inner = typeof value === 'object' && value !== null ? (value as SettingValue)[key] : undefined;
  return typeof inner === 'object' && inner !== null && !Array.isArray(inner) ? (inner as SettingValue) : {};
}

const boolOf = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);
const textOf = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function shown(v: string | boolean | undefined): string {
  return v === undefined ? '(none)' : String(v);
}

function compared(setting: PersonSetting, fields: FieldComparison[]): SettingComparison {
  const differing = fields.filter((f) => !f.same);
  return {
    setting,
    fields,
    differs: differing.length > 0,
    change: differing.map((f) => `${f.field}: ${shown(f.current)} → ${shown(f.wanted)}`).join(', '),
  };
}

function sameValue(field: string, current: string | boolean | undefined, wanted: string | boolean): FieldComparison {
  return { field, current, wanted, same: current === wanted };
}

/** `enabled: true`, the text of a wish when there is no current value to compare with. */
function wishText(fields: FieldComparison[]): string {
  return fields.map((f) => `${f.field}: ${shown(f.wanted)}`).join(', ');
}

// ---- call waiting: the CSV controls `enabled` ------------------------------------------------

export function compareCallWaiting(current: SettingValue, wish: boolean): SettingComparison {
  return compared('callWaiting', [sameValue('enabled', boolOf(current.enabled), wish)]);
}

export function callWaitingBody(wish: boolean): Record<string, unknown> {
  return { enabled: wish };
}

// ---- do not disturb: the CSV controls `enabled` ----------------------------------------------

export function compareDoNotDisturb(current: SettingValue, wish: boolean): SettingComparison {
  return compared('doNotDisturb', [sameValue('enabled', boolOf(current.enabled), wish)]);
}

/** `webexGoOverrideEnabled` is required by the PUT; both flags are copied so the user keeps them. */
export function doNotDisturbBody(current: SettingValue, wish: boolean): Record<string, unknown> {
  return {
    enabled: wish,
    ringSplashEnabled: current.ringSplashEnabled === true,
    webexGoOverrideEnabled: current.webexGoOverrideEnabled === true,
  };
}

// ---- voicemail: the CSV controls `enabled` ---------------------------------------------------

export function compareVoicemail(current: SettingValue, wish: boolean): SettingComparison {
  return compared('voicemail', [sameValue('enabled', boolOf(current.enabled), wish)]);
}

/** `notifications` and `transferToNumber` are required by the PUT: copied as read. */
export function voicemailBody(current: SettingValue, wish: boolean): Record<string, unknown> {
  return { enabled: wish, notifications: current.notifications ?? OFF, transferToNumber: current.transferToNumber ?? OFF };
}

// ---- forward always: the CSV controls `always.enabled` (on) and `always.destination` ------------

/**
 * E.164 country calling codes are prefix-free: these are the one- and two-digit ones, every other
 * is three digits (ITU-T E.164 assigned codes). Knowing the length is what keeps a national number
 * from matching an E.164 number that merely ends in it.
 */
const SHORT_COUNTRY_CODES = new Set([
  '1',
  '7',
  '20',
  '27',
  '30',
  '31',
  '32',
  '33',
  '34',
  '36',
  '39',
  '40',
  '41',
  '43',
  '44',
  '45',
  '46',
  '47',
  '48',
  '49',
  '51',
  '52',
  '53',
  '54',
  '55',
  '56',
  '57',
  '58',
  '60',
  '61',
  '62',
  '63',
  '64',
  '65',
  '66',
  '81',
  '82',
  '84',
  '86',
  '90',
  '91',
  '92',
  '93',
  '94',
  '95',
  '98',
]);

function nationalPart(e164Digits: string): string {
  const length = SHORT_COUNTRY_CODES.has(e164Digits.slice(0, 1)) ? 1 : SHORT_COUNTRY_CODES.has(e164Digits.slice(0, 2)) ? 2 : 3;
  return e164Digits.slice(length);
}

/**
 * Whether the forward destination Webex holds is the one the CSV asks for. The CSV holds an
 * extension as written or a number in E.164; the spec's examples show Webex returning national
 * numbers without country code ("2225551212") next to E.164 ones ("+13182202021"), and a person
 * may have typed separators in Control Hub. Equal when the digits are equal, or when one side is
 * E.164 and the other its national number, with or without a trunk 0. Strict otherwise (an
 * extension never matches a number): a wrong "differs" costs one PUT of the same value, a wrong
 * "same" would leave the row's wish unapplied.
 */
export function sameDestination(webex: string | undefined, csv: string): boolean {
  if (webex === undefined) return false;
  const clean = (s: string) => s.replace(/[\s\-().]/g, '');
  const a = clean(webex);
  const b = clean(csv);
  if (a === b) return true;
  const [e164, other] = a.startsWith('+') ? [a, b] : [b, a];
  if (!/^\+\d{8,15}$/.test(e164) || !/^\d+$/.test(other)) return false;
  const national = nationalPart(e164.slice(1));
  return other === national || other === `0${national}`;
}

export function compareForwardAlways(current: SettingValue, destination: string): SettingComparison {
  const always = objectAt(objectAt(current, 'callForwarding'), 'always');
  const held = textOf(always.destination);
  return compared('callForwarding', [
    sameValue('always.enabled', boolOf(always.enabled), true),
    { field: 'always.destination', current: held, wanted: destination, same: sameDestination(held, destination) },
  ]);
}

/**
 * Only `callForwarding.always` is sent (the PUT is partial, so busy, no-answer and business
 * continuity stay as they are); inside it the two flags the CSV does not control are copied as
 * read, because whether Webex keeps omitted fields of a nested object is not documented.
 */
export function forwardAlwaysBody(current: SettingValue, destination: string): Record<string, unknown> {
  const always = objectAt(objectAt(current, 'callForwarding'), 'always');
  const kept: Record<string, boolean> = {};
  for (const key of ['ringReminderEnabled', 'destinationVoicemailEnabled'] as const) {
    const v = boolOf(always[key]);
    if (v !== undefined) kept[key] = v;
  }
  return { callForwarding: { always: { ...kept, enabled: true, destination } } };
}

// ---- caller ID: the CSV controls `selected` --------------------------------------------------

export function compareCallerId(current: SettingValue, selected: string): SettingComparison {
  return compared('callerId', [sameValue('selected', textOf(current.selected), selected)]);
}

/** `selected` is the PUT's only required field and the PUT is partial: everything else stays. */
export function callerIdBody(selected: string): Record<string, unknown> {
  return { selected };
}

// ---- the row's changes ---------------------------------------------------------------------

function change(
  setting: PersonSetting,
  column: string,
  needsCurrent: boolean,
  compare: SettingChange['compare'],
  build: SettingChange['build'],
): SettingChange {
  return { setting, column, needsCurrent, compare, build, wish: wishText(compare({}).fields) };
}

const bool = (v: string) => v === 'true';

/** The user-row settings (input_schema.md, "calling_settings_*"), in a fixed order. */
export function userSettingChanges(row: ExecRow): SettingChange[] {
  const out: SettingChange[] = [];
  const callWaiting = field(row, 'calling_settings_call_waiting');
  if (callWaiting) {
    const wish = bool(callWaiting);
    out.push(
      change(
        'callWaiting',
        'calling_settings_call_waiting',
        false,
        (cur) => compareCallWaiting(cur, wish),
        () => callWaitingBody(wish),
      ),
    );
  }
  const dnd = field(row, 'calling_settings_do_not_disturb');
  if (dnd) {
    const wish = bool(dnd);
    out.push(
      change(
        'doNotDisturb',
        'calling_settings_do_not_disturb',
        true,
        (cur) => compareDoNotDisturb(cur, wish),
        (cur) => doNotDisturbBody(cur, wish),
      ),
    );
  }
  const voicemail = field(row, 'calling_settings_voicemail');
  if (voicemail) {
    const wish = bool(voicemail);
    out.push(
      change(
        'voicemail',
        'calling_settings_voicemail',
        true,
        (cur) => compareVoicemail(cur, wish),
        (cur) => voicemailBody(cur, wish),
      ),
    );
  }
  const forward = field(row, 'calling_settings_forward_always');
  if (forward) {
    out.push(
      change(
        'callForwarding',
        'calling_settings_forward_always',
        false,
        (cur) => compareForwardAlways(cur, forward),
        (cur) => forwardAlwaysBody(cur, forward),
      ),
    );
  }
  const callerId = field(row, 'calling_settings_caller_id');
  if (callerId) out.push(callerIdChange(callerId, 'calling_settings_caller_id'));
  return out;
}

export function callerIdChange(selected: string, column: string): SettingChange {
  return change(
    'callerId',
    column,
    false,
    (cur) => compareCallerId(cur, selected),
    () => callerIdBody(selected),
  );
}
