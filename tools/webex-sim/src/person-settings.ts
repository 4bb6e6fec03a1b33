import schemas from './generated/request-schemas.json' with { type: 'json' };

/**
 * The person call settings the simulator serves, taken from the spec rather than from the
 * client: every `/people/{personId}/features/{setting}` the generated request schemas list with
 * both a GET and a PUT (`features/numbers` is read-only, so it is not a setting). Their PUT body
 * rules (required fields, enums, ranges) are checked from the same file by validate-request.ts.
 */
const FEATURES = '/people/{personId}/features/';
type Operation = keyof typeof schemas;

type SettingOf<K> = K extends `PUT ${typeof FEATURES}${infer S}` ? (`GET ${typeof FEATURES}${S}` extends Operation ? S : never) : never;

/** A setting name, derived at type level from the generated operation keys. */
export type PersonSetting = SettingOf<Operation>;

export const PERSON_SETTINGS: readonly PersonSetting[] = Object.keys(schemas).flatMap((key) => {
  if (!key.startsWith(`PUT ${FEATURES}`)) return [];
  const setting = key.slice(`PUT ${FEATURES}`.length);
  return !setting.includes('/') && `GET ${FEATURES}${setting}` in schemas ? [setting as PersonSetting] : [];
});
