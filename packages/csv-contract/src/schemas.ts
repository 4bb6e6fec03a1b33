import * as v from 'valibot';
import type { EntityType } from './columns.js';
import { USER_SETTING_COLUMN_RULES, type UserSettingColumn } from './setting-columns.js';
import {
  normaliseBoolean,
  normaliseCallerId,
  normaliseCountry,
  normaliseEmail,
  normaliseExtension,
  normaliseLanguage,
  normalisePhoneNumber,
  normaliseTimeZone,
  type Normalised,
} from './normalise/index.js';
import { normaliseText } from './normalise/text.js';

/**
 * The per-entity valibot schemas. Their input is the row's applicable columns with empty cells
 * as `undefined` (already trimmed and NFC-normalised); their output is the normalised text.
 * Rules that involve two columns (postal code by country, entity_key derivation, extension or
 * phone number) are checked after the schema, in validate-row.ts.
 *
 * A failing normaliser reports its rule id in the issue's `expected` field, which is how
 * validate-row.ts turns valibot issues back into contract rules.
 */
function normalised(normalise: (value: string) => Normalised) {
  return v.rawTransform<string, string>(({ dataset, addIssue, NEVER }) => {
    const result = normalise(dataset.value);
    if (result.ok) return result.value;
    addIssue({ message: result.message, expected: result.rule });
    return NEVER;
  });
}

const MISSING = 'required';
const required = (normalise: (value: string) => Normalised) => v.pipe(v.string(MISSING), normalised(normalise));
const optional = (normalise: (value: string) => Normalised) => v.optional(v.pipe(v.string(), normalised(normalise)));
const text = (max: number) => (value: string) => normaliseText(value, max);

const common = {
  entity_key: optional(text(255)),
  location_key: optional(text(255)),
  row_ref: optional(text(255)),
};

export const LocationRowSchema = v.object({
  ...common,
  /** Webex limits calling-enabled location names to 80 characters. */
  location_name: required(text(80)),
  location_external_id: optional(text(255)),
  time_zone: required(normaliseTimeZone),
  preferred_language: required(normaliseLanguage),
  announcement_language: required(normaliseLanguage),
  address_line1: required(text(255)),
  address_line2: optional(text(255)),
  address_city: required(text(255)),
  address_state: required(text(255)),
  address_postal_code: required(text(20)),
  address_country: required(normaliseCountry),
});

export const UserRowSchema = v.object({
  ...common,
  location_key: required(text(255)),
  email: required(normaliseEmail),
  calling_enabled: v.optional(v.pipe(v.string(), normalised(normaliseBoolean)), 'true'),
  ...settingSchemas(),
});

/** One optional entry per calling-settings column, with the rule declared next to the column. */
function settingSchemas() {
  const entries = Object.entries(USER_SETTING_COLUMN_RULES).map(([column, rule]) => [column, optional(rule)] as const);
  return Object.fromEntries(entries) as { [C in UserSettingColumn]: ReturnType<typeof optional> };
}

export const ExtensionAssignmentRowSchema = v.object({
  ...common,
  location_key: required(text(255)),
  email: required(normaliseEmail),
  extension: optional(normaliseExtension),
  phone_number: optional(normalisePhoneNumber),
  caller_id_selected: optional(normaliseCallerId),
});

export const ROW_SCHEMAS = {
  location: LocationRowSchema,
  user: UserRowSchema,
  extension_assignment: ExtensionAssignmentRowSchema,
} as const satisfies Record<EntityType, v.GenericSchema>;

export type LocationRowOutput = v.InferOutput<typeof LocationRowSchema>;
export type UserRowOutput = v.InferOutput<typeof UserRowSchema>;
export type ExtensionAssignmentRowOutput = v.InferOutput<typeof ExtensionAssignmentRowSchema>;
