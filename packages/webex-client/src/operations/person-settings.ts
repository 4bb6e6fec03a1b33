import { ok } from '../call.js';
import type { CallingPaths, OperationContext } from '../types.js';

export const PERSON_SETTINGS = [
  'callForwarding',
  'voicemail',
  'doNotDisturb',
  'callerId',
  'callWaiting',
  'outgoingPermission',
  'incomingPermission',
  'callRecording',
] as const;

export type PersonSetting = (typeof PERSON_SETTINGS)[number];
type SettingPath<S extends PersonSetting> = `/people/{personId}/features/${S}`;
export type PersonSettingValue<S extends PersonSetting> =
  CallingPaths[SettingPath<S>]['get']['responses'][200]['content']['application/json'];
export type PersonSettingUpdate<S extends PersonSetting> = NonNullable<
  CallingPaths[SettingPath<S>]['put']['requestBody']
>['content']['application/json'];

/** The eight person call settings: GET returns the current value, PUT merges the fields sent (204). */
export function personSettingOperations({ calling }: OperationContext) {
  // One concrete path stands in for all eight so openapi-fetch can type the call; the eight
  // share parameters and status codes, and the public signature keeps the per-setting types.
  type AnyPath = '/people/{personId}/features/callWaiting';
  return {
    async get<S extends PersonSetting>(personId: string, setting: S): Promise<PersonSettingValue<S>> {
      const path = `/people/{personId}/features/${setting}` as AnyPath;
      const { data } = await ok(calling.GET(path, { params: { path: { personId } } }));
      return data as PersonSettingValue<S>;
    },

    async update<S extends PersonSetting>(personId: string, setting: S, body: PersonSettingUpdate<S>): Promise<void> {
      const path = `/people/{personId}/features/${setting}` as AnyPath;
      await ok(calling.PUT(path, { params: { path: { personId } }, body: body as never }));
    },
  };
}
