import { ok } from '../call.js';
import type { CallingPaths, OperationContext } from '../types.js';

/** The person call settings the client reads and writes, each one GET and one partial PUT. */
export const PERSON_SETTINGS = [
  'callForwarding',
  'voicemail',
  'doNotDisturb',
  'callerId',
  'callWaiting',
  'outgoingPermission',
  'incomingPermission',
  'callRecording',
  'hoteling',
  'bargeIn',
  'emergencyCallbackNumber',
] as const;

export type PersonSetting = (typeof PERSON_SETTINGS)[number];

/** Settings that live under the telephony config rather than `/people/{personId}/features/`. */
const TELEPHONY_SETTINGS = { emergencyCallbackNumber: '/telephony/config/people/{personId}/emergencyCallbackNumber' } as const;
type TelephonySetting = keyof typeof TELEPHONY_SETTINGS;

/** The official spec path of a setting. */
export type PersonSettingPath<S extends PersonSetting> = S extends TelephonySetting
  ? (typeof TELEPHONY_SETTINGS)[S]
  : `/people/{personId}/features/${S}`;

export type PersonSettingValue<S extends PersonSetting> =
  CallingPaths[PersonSettingPath<S>]['get']['responses'][200]['content']['application/json'];
export type PersonSettingUpdate<S extends PersonSetting> = NonNullable<
  CallingPaths[PersonSettingPath<S>]['put']['requestBody']
>['content']['application/json'];

export function personSettingPath<S extends PersonSetting>(setting: S): PersonSettingPath<S> {
  const path = setting in TELEPHONY_SETTINGS ? TELEPHONY_SETTINGS[setting as TelephonySetting] : `/people/{personId}/features/${setting}`;
  return path as PersonSettingPath<S>;
}

/** The person call settings: GET returns the current value, PUT changes only the fields sent (204). */
export function personSettingOperations({ calling }: OperationContext) {
  // One concrete path stands in for all of them so openapi-fetch can type the call; they share
  // parameters (personId, orgId) and status codes, and the public signature keeps the per-setting types.
  type AnyPath = '/people/{personId}/features/callWaiting';
  return {
    async get<S extends PersonSetting>(personId: string, setting: S): Promise<PersonSettingValue<S>> {
      const path = personSettingPath(setting) as AnyPath;
      const { data } = await ok(calling.GET(path, { params: { path: { personId } } }));
      return data as PersonSettingValue<S>;
    },

    async update<S extends PersonSetting>(personId: string, setting: S, body: PersonSettingUpdate<S>): Promise<void> {
      const path = personSettingPath(setting) as AnyPath;
      await ok(calling.PUT(path, { params: { path: { personId } }, body: body as never }));
    },
  };
}
