import { OFF, USER_SETTING_COLUMNS, type CallRecordingChoice, type UserSettingColumn } from '@wbp/csv-contract';
import type { PersonSetting } from '@wbp/webex-client';
import { field, type ExecRow } from '../row.js';
import { sameDestination } from './same-destination.js';

export { sameDestination };

/**
 * The calling settings a CSV can ask for, declared in one place: per Webex setting its endpoint,
 * the user-row columns that drive it (their csv-contract rules live with the column list in
 * `@wbp/csv-contract`, setting-columns.ts), which fields of the PUT are copied from the current
 * value (read-modify-write), and per column the pure compare and what it puts in the body. Plan
 * and run both show a differing field as `field: old → new` from the same compare.
 *
 * Adding a setting: one entry in SETTINGS (and its column in csv-contract), plus its tests.
 */

/**
 * A setting's value as its GET returns it (or the known fresh defaults). Read defensively: the
 * compare and the bodies only look at the fields they name, and a field Webex leaves out reads as
 * "not set", never as a crash.
 */
export type SettingValue = Readonly<Record<string, unknown>>;
type Body = Record<string, unknown>;

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

/** What one column controls inside its setting, given the row's normalised value for it. */
interface ColumnRule {
  column: UserSettingColumn;
  compare: (current: SettingValue, wish: string) => FieldComparison[];
  /** Puts the wish into the body, which already holds the entry's copied fields. */
  write: (body: Body, current: SettingValue, wish: string) => void;
}

export interface SettingEntry {
  setting: PersonSetting;
  /** The PUT that writes it (official spec). */
  endpoint: string;
  columns: readonly ColumnRule[];
  /**
   * Read-modify-write: fields the PUT requires that no column sets, copied from the current value
   * (the value given is sent when Webex's value lacks the field).
   */
  copied: Readonly<Record<string, unknown>>;
  /** Whether the body needs the value read first (a person just enabled: `fresh` stands in when given). */
  needsCurrent: boolean;
  /** What Webex holds for a person whose Calling was enabled moments ago, when known: no GET needed. */
  fresh?: SettingValue;
  /**
   * Webex refuses it for a person whose licence or location lacks the feature (the spec: call
   * recording on Calling Standard needs Webex as the recording vendor). Such a refusal ends the row
   * pending `out_of_scope` with Webex's reason instead of `non_retryable_external`, and is not
   * counted by the circuit breaker: it is this person's licence, not the org refusing wbp.
   */
  licenceBound?: true;
  /** A wish that needs the person's direct number (the line first): the emergency callback number's `DIRECT_LINE`. */
  needsDirectNumber?: (wish: string) => boolean;
}

/**
 * One setting a row asks for. `compare` and `build` are pure: `compare` says whether the value
 * Webex holds already is what the row wants (a plan calls it without writing); `build` is the PUT
 * body made from the value just read, so the fields the CSV does not control are kept.
 */
export interface SettingChange {
  setting: PersonSetting;
  /** The row's column(s) that asked for it, comma-separated. */
  column: string;
  needsCurrent: boolean;
  fresh: SettingValue | undefined;
  licenceBound: boolean;
  compare: (current: SettingValue) => SettingComparison;
  build: (current: SettingValue) => Body;
  /** The wish as `field: value` text, for a person just enabled (nothing was read to compare). */
  wish: string;
}

// ---- reading a GET value -------------------------------------------------------------------

function objectAt(value: unknown, key: string): SettingValue {
  const inner = typeof value === 'object' && value !== null ? (value as SettingValue)[key] : undefined;
  return typeof inner === 'object' && inner !== null && !Array.isArray(inner) ? (inner as SettingValue) : {};
}

const boolOf = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);
const textOf = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);

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

/**
 * The nested object `path` of the body, started from the same object of the current value with
 * only `keep` copied: the PUT's own fields of it (a GET-only field such as `systemMaxNumberOfRings`
 * is never sent back), because whether Webex keeps omitted fields of a nested object is not documented.
 */
function nested(body: Body, current: SettingValue, path: readonly string[], keep: readonly string[]): Body {
  let into = body;
  let from = current;
  for (const key of path) {
    from = objectAt(from, key);
    if (typeof into[key] !== 'object' || into[key] === null) {
      const copy: Body = {};
      if (key === path[path.length - 1]) for (const k of keep) if (from[k] !== undefined) copy[k] = from[k];
      into[key] = copy;
    }
    into = into[key] as Body;
  }
  return into;
}

const objectOf = (current: SettingValue, path: readonly string[]): SettingValue =>
  path.reduce<SettingValue>((v, k) => objectAt(v, k), current);
const valueAt = (current: SettingValue, path: readonly string[], key: string): unknown => objectOf(current, path)[key];
/** A field as plan and results show it: `enabled`, `busy.destination`, `noAnswer.numberOfRings`. */
const shownField = (path: readonly string[], key: string): string => [...path.slice(-1), key].join('.');

// ---- column rules, by the kind of value ----------------------------------------------------

/** A boolean column: `true`/`false` into `path.key`. */
function flag(column: UserSettingColumn, path: readonly string[], keep: readonly string[] = []): ColumnRule {
  const name = shownField(path, 'enabled');
  return {
    column,
    compare: (current, wish) => [sameValue(name, boolOf(valueAt(current, path, 'enabled')), wish === 'true')],
    write: (body, current, wish) => {
      nested(body, current, path, keep).enabled = wish === 'true';
    },
  };
}

/** The fields a forward's PUT object has (spec: CallForwardingPut). */
const FORWARD_FIELDS = {
  always: ['enabled', 'destination', 'ringReminderEnabled', 'destinationVoicemailEnabled'],
  busy: ['enabled', 'destination', 'destinationVoicemailEnabled'],
  noAnswer: ['enabled', 'destination', 'numberOfRings', 'destinationVoicemailEnabled'],
  businessContinuity: ['enabled', 'destination', 'destinationVoicemailEnabled'],
} as const;

/**
 * A forward column: a destination turns the forward on to it; `off` turns it off, keeping the
 * destination Webex holds. Forward always has no `off` (its column predates the others).
 */
function forward(column: UserSettingColumn, path: readonly string[], keep: readonly string[]): ColumnRule {
  return {
    column,
    compare: (current, wish) => {
      const held = objectOf(current, path);
      const enabled = sameValue(shownField(path, 'enabled'), boolOf(held.enabled), wish !== OFF);
      if (wish === OFF) return [enabled];
      const destination = textOf(held.destination);
      return [
        enabled,
        { field: shownField(path, 'destination'), current: destination, wanted: wish, same: sameDestination(destination, wish) },
      ];
    },
    write: (body, current, wish) => {
      const into = nested(body, current, path, keep);
      into.enabled = wish !== OFF;
      if (wish !== OFF) into.destination = wish;
    },
  };
}

/** A number of rings into `path.numberOfRings` (the spec's `number`). */
function rings(column: UserSettingColumn, path: readonly string[], keep: readonly string[]): ColumnRule {
  const name = shownField(path, 'numberOfRings');
  return {
    column,
    compare: (current, wish) => [sameValue(name, textOf(valueAt(current, path, 'numberOfRings')), wish)],
    write: (body, current, wish) => {
      nested(body, current, path, keep).numberOfRings = Number(wish);
    },
  };
}

/** A text choice into `key` (caller ID `selected`, emergency callback number `selected`). */
function choice(column: UserSettingColumn, key: string): ColumnRule {
  return {
    column,
    compare: (current, wish) => [sameValue(key, textOf(current[key]), wish)],
    write: (body, _current, wish) => {
      body[key] = wish;
    },
  };
}

/** Outgoing calling permissions: the call types one column sets (premium is two). */
type CallPermission = { callType?: unknown; action?: unknown; transferEnabled?: unknown; isCallTypeRestrictionEnabled?: unknown };

function permissionsOf(current: SettingValue): CallPermission[] {
  const list = current.callingPermissions;
  return Array.isArray(list) ? list.filter((p): p is CallPermission => typeof p === 'object' && p !== null) : [];
}

/** A call type Webex fixes (`isCallTypeRestrictionEnabled`) can be neither changed nor compared. */
const fixedByWebex = (p: CallPermission | undefined): boolean => p?.isCallTypeRestrictionEnabled === true;

function permission(column: UserSettingColumn, callTypes: readonly string[]): ColumnRule {
  return {
    column,
    compare: (current, wish) => {
      const held = permissionsOf(current);
      return callTypes
        .map((type) => held.find((p) => p.callType === type) ?? ({ callType: type } as CallPermission))
        .filter((p) => !fixedByWebex(p))
        .map((p) => sameValue(String(p.callType), textOf(p.action), wish));
    },
    write: (body, current, wish) => {
      // Every call type goes back with its action and transfer as read, so making the person's
      // permissions their own (`useCustomPermissions`) changes only what the row names.
      if (!Array.isArray(body.callingPermissions)) {
        body.callingPermissions = permissionsOf(current)
          .filter((p) => !fixedByWebex(p) && typeof p.callType === 'string' && typeof p.action === 'string')
          .map((p) => ({ callType: p.callType, action: p.action, transferEnabled: p.transferEnabled === true }));
      }
      const list = body.callingPermissions as { callType: string; action: string; transferEnabled: boolean }[];
      for (const type of callTypes) {
        if (fixedByWebex(permissionsOf(current).find((p) => p.callType === type))) continue;
        const entry = list.find((p) => p.callType === type);
        if (entry) entry.action = wish;
        else list.push({ callType: type, action: wish, transferEnabled: wish === 'ALLOW' });
      }
      body.useCustomPermissions = true;
    },
  };
}

/** The CSV's call recording choices and the spec's `record` enum (CallRecordingPut). */
const RECORD: Readonly<Record<Exclude<CallRecordingChoice, 'off'>, string>> = {
  always: 'Always',
  always_with_pause: 'Always with Pause/Resume',
  on_demand: 'On Demand with User Initiated Start',
};

const callRecording: ColumnRule = {
  column: 'calling_settings_call_recording',
  compare: (current, wish) => {
    const enabled = sameValue('enabled', boolOf(current.enabled), wish !== OFF);
    if (wish === OFF) return [enabled];
    return [enabled, sameValue('record', textOf(current.record), RECORD[wish as keyof typeof RECORD])];
  },
  write: (body, _current, wish) => {
    body.enabled = wish !== OFF;
    if (wish !== OFF) body.record = RECORD[wish as keyof typeof RECORD];
  },
};

/** The voicemail e-mail copy: an address (compared case-insensitively) or `off`. */
const emailCopy: ColumnRule = {
  column: 'calling_settings_voicemail_email_copy',
  compare: (current, wish) => {
    const held = objectAt(current, 'emailCopyOfMessage');
    const enabled = sameValue('emailCopyOfMessage.enabled', boolOf(held.enabled), wish !== OFF);
    if (wish === OFF) return [enabled];
    const address = textOf(held.emailId);
    return [enabled, { field: 'emailCopyOfMessage.emailId', current: address, wanted: wish, same: address?.toLowerCase() === wish }];
  },
  write: (body, current, wish) => {
    const into = nested(body, current, ['emailCopyOfMessage'], ['enabled', 'emailId']);
    into.enabled = wish !== OFF;
    if (wish !== OFF) into.emailId = wish;
  },
};

// ---- the registry --------------------------------------------------------------------------

const OFF_OBJECT = { enabled: false } as const;

/** In the order a row's settings are applied (and its results list them). */
export const SETTINGS: readonly SettingEntry[] = [
  {
    setting: 'callWaiting',
    endpoint: 'PUT /people/{personId}/features/callWaiting',
    columns: [flag('calling_settings_call_waiting', [])],
    copied: {},
    needsCurrent: false,
  },
  {
    setting: 'doNotDisturb',
    endpoint: 'PUT /people/{personId}/features/doNotDisturb',
    columns: [flag('calling_settings_do_not_disturb', [])],
    // `webexGoOverrideEnabled` is required by the PUT; ring splash is copied too so the user keeps it.
    copied: { ringSplashEnabled: false, webexGoOverrideEnabled: false },
    needsCurrent: true,
    fresh: { enabled: false, ringSplashEnabled: false, webexGoOverrideEnabled: false },
  },
  {
    setting: 'voicemail',
    endpoint: 'PUT /people/{personId}/features/voicemail',
    columns: [
      flag('calling_settings_voicemail', []),
      flag('calling_settings_voicemail_send_busy', ['sendBusyCalls'], ['greeting']),
      flag('calling_settings_voicemail_send_unanswered', ['sendUnansweredCalls'], ['greeting', 'numberOfRings']),
      rings('calling_settings_voicemail_rings', ['sendUnansweredCalls'], ['enabled', 'greeting']),
      emailCopy,
    ],
    // `notifications` and `transferToNumber` are required by the PUT.
    copied: { notifications: OFF_OBJECT, transferToNumber: OFF_OBJECT },
    needsCurrent: true,
    fresh: { notifications: OFF_OBJECT, transferToNumber: OFF_OBJECT },
  },
  {
    setting: 'callForwarding',
    endpoint: 'PUT /people/{personId}/features/callForwarding',
    // Only the forwards the row names are sent (the PUT is partial): the others stay as they are.
    columns: [
      forward('calling_settings_forward_always', ['callForwarding', 'always'], FORWARD_FIELDS.always),
      forward('calling_settings_forward_busy', ['callForwarding', 'busy'], FORWARD_FIELDS.busy),
      forward('calling_settings_forward_no_answer', ['callForwarding', 'noAnswer'], FORWARD_FIELDS.noAnswer),
      rings('calling_settings_forward_no_answer_rings', ['callForwarding', 'noAnswer'], FORWARD_FIELDS.noAnswer),
      forward('calling_settings_forward_business_continuity', ['businessContinuity'], FORWARD_FIELDS.businessContinuity),
    ],
    copied: {},
    needsCurrent: false,
  },
  {
    setting: 'callerId',
    endpoint: 'PUT /people/{personId}/features/callerId',
    // `selected` is the PUT's only required field and the PUT is partial: everything else stays.
    columns: [choice('calling_settings_caller_id', 'selected')],
    copied: {},
    needsCurrent: false,
  },
  {
    setting: 'outgoingPermission',
    endpoint: 'PUT /people/{personId}/features/outgoingPermission',
    columns: [
      permission('calling_settings_outgoing_national', ['NATIONAL']),
      permission('calling_settings_outgoing_international', ['INTERNATIONAL']),
      permission('calling_settings_outgoing_premium', ['PREMIUM_SERVICES_I', 'PREMIUM_SERVICES_II']),
    ],
    copied: {},
    // The call types and their transfer flags are sent back as read: read even for a person just enabled.
    needsCurrent: true,
    licenceBound: true,
  },
  {
    setting: 'callRecording',
    endpoint: 'PUT /people/{personId}/features/callRecording',
    columns: [callRecording],
    copied: {},
    needsCurrent: false,
    licenceBound: true,
  },
  {
    setting: 'hoteling',
    endpoint: 'PUT /people/{personId}/features/hoteling',
    columns: [flag('calling_settings_hoteling', [])],
    copied: {},
    needsCurrent: false,
    licenceBound: true,
  },
  {
    setting: 'bargeIn',
    endpoint: 'PUT /people/{personId}/features/bargeIn',
    // `toneEnabled` is optional in the PUT: left as it is.
    columns: [flag('calling_settings_barge_in', [])],
    copied: {},
    needsCurrent: false,
    licenceBound: true,
  },
  {
    setting: 'emergencyCallbackNumber',
    endpoint: 'PUT /telephony/config/people/{personId}/emergencyCallbackNumber',
    columns: [choice('calling_settings_ecbn', 'selected')],
    copied: {},
    needsCurrent: false,
    licenceBound: true,
    needsDirectNumber: (wish) => wish === 'DIRECT_LINE',
  },
];

const BY_SETTING = new Map(SETTINGS.map((entry) => [entry.setting, entry]));

// The registry and csv-contract's column list must agree, column for column: checked once at load.
{
  const covered = SETTINGS.flatMap((e) => e.columns.map((c) => c.column));
  const missing = USER_SETTING_COLUMNS.filter((c) => !covered.includes(c));
  const twice = covered.filter((c, i) => covered.indexOf(c) !== i);
  if (missing.length > 0 || twice.length > 0 || covered.length !== USER_SETTING_COLUMNS.length) {
    throw new Error(
      `settings registry out of step with csv-contract: missing ${missing.join(', ') || '-'}, twice ${twice.join(', ') || '-'}`,
    );
  }
}

export function settingEntry(setting: PersonSetting): SettingEntry {
  const entry = BY_SETTING.get(setting);
  if (!entry) throw new Error(`no settings registry entry for ${setting}`);
  return entry;
}

/** The PUT body of `entry` for these wishes, from the value just read. */
function buildBody(entry: SettingEntry, wishes: readonly [ColumnRule, string][], current: SettingValue): Body {
  const body: Body = {};
  for (const [key, fallback] of Object.entries(entry.copied)) {
    const held = current[key];
    body[key] = held !== undefined && typeof held === typeof fallback ? held : fallback;
  }
  for (const [rule, wish] of wishes) rule.write(body, current, wish);
  return body;
}

/** One change of `entry` for the row's values of its columns (normalised text; '' = not asked). */
export function changeOf(
  entry: SettingEntry,
  values: Partial<Record<UserSettingColumn, string>>,
  label?: string,
): SettingChange | undefined {
  const wishes = entry.columns.flatMap((rule): [ColumnRule, string][] => (values[rule.column] ? [[rule, values[rule.column]!]] : []));
  if (wishes.length === 0) return undefined;
  const compare = (current: SettingValue) =>
    compared(
      entry.setting,
      wishes.flatMap(([rule, wish]) => rule.compare(current, wish)),
    );
  return {
    setting: entry.setting,
    column: label ?? wishes.map(([rule]) => rule.column).join(', '),
    needsCurrent: entry.needsCurrent,
    fresh: entry.fresh,
    licenceBound: entry.licenceBound === true,
    compare,
    build: (current) => buildBody(entry, wishes, current),
    wish: wishText(compare({}).fields),
  };
}

/** The user-row settings (input_schema.md, "calling_settings_*"), in registry order, one per Webex setting. */
export function userSettingChanges(row: ExecRow): SettingChange[] {
  const values: Partial<Record<UserSettingColumn, string>> = {};
  for (const column of USER_SETTING_COLUMNS) {
    const v = field(row, column);
    if (v) values[column] = v;
  }
  return SETTINGS.flatMap((entry) => changeOf(entry, values) ?? []);
}

/** The assignment row's caller ID (`caller_id_selected`): the person's final one. */
export function callerIdChange(selected: string, column: string): SettingChange {
  return changeOf(settingEntry('callerId'), { calling_settings_caller_id: selected }, column)!;
}

/** The emergency callback number applied as a final setting (phase 3), once the direct number is the person's. */
export function ecbnChange(selected: string, column: string): SettingChange {
  return changeOf(settingEntry('emergencyCallbackNumber'), { calling_settings_ecbn: selected }, column)!;
}

// ---- the five older settings one by one (their tests read them this way) -------------------

const only = (setting: PersonSetting, column: UserSettingColumn, current: SettingValue, wish: string): SettingComparison =>
  changeOf(settingEntry(setting), { [column]: wish })!.compare(current);

export const compareCallWaiting = (current: SettingValue, wish: boolean) =>
  only('callWaiting', 'calling_settings_call_waiting', current, String(wish));
export const compareDoNotDisturb = (current: SettingValue, wish: boolean) =>
  only('doNotDisturb', 'calling_settings_do_not_disturb', current, String(wish));
export const compareVoicemail = (current: SettingValue, wish: boolean) =>
  only('voicemail', 'calling_settings_voicemail', current, String(wish));
export const compareForwardAlways = (current: SettingValue, destination: string) =>
  only('callForwarding', 'calling_settings_forward_always', current, destination);
export const compareCallerId = (current: SettingValue, selected: string) =>
  only('callerId', 'calling_settings_caller_id', current, selected);
