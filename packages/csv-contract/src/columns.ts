import { USER_SETTING_COLUMNS } from './setting-columns.js';

/**
 * The closed set of input columns (input_schema.md). Column names are fixed: checks, the executor
 * and engineers' spreadsheets all depend on them.
 */

export const ENTITY_TYPES = ['location', 'user', 'extension_assignment'] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

/** On every row. */
export const COMMON_COLUMNS = ['entity_type', 'entity_key', 'location_key', 'row_ref'] as const;

export const LOCATION_COLUMNS = [
  'location_name',
  'location_external_id',
  'time_zone',
  'preferred_language',
  'announcement_language',
  'address_line1',
  'address_line2',
  'address_city',
  'address_state',
  'address_postal_code',
  'address_country',
] as const;

export const USER_COLUMNS = ['email', 'calling_enabled', ...USER_SETTING_COLUMNS] as const;

/** `email` is shared with user rows; listed once in CANONICAL_COLUMNS. */
export const EXTENSION_ASSIGNMENT_COLUMNS = ['email', 'extension', 'phone_number', 'caller_id_selected'] as const;

/** Every contract column, in the order of ready_to_load.csv (after `row_id`). */
export const CANONICAL_COLUMNS = [
  ...COMMON_COLUMNS,
  ...LOCATION_COLUMNS,
  ...USER_COLUMNS,
  'extension',
  'phone_number',
  'caller_id_selected',
] as const;
export type CanonicalColumn = (typeof CANONICAL_COLUMNS)[number];

/** ready_to_load.csv: the 1-based data-row index first, then the normalised contract columns. */
export const READY_COLUMNS = ['row_id', ...CANONICAL_COLUMNS] as const;
export type ReadyColumn = (typeof READY_COLUMNS)[number];

/**
 * A ready row: every contract column as normalised text ('' = not set), `row_id` as a number.
 * Booleans are 'true'/'false'; phone numbers E.164; caller ids DIRECT_LINE | LOCATION_NUMBER.
 */
export type ReadyRow = { readonly row_id: number } & { readonly [K in CanonicalColumn]: string };

/**
 * Identity attributes belong to the directory (LDAP sync); wbp never writes them, so a row that
 * sets one is rejected `out_of_scope` rather than silently ignored.
 */
export const IDENTITY_COLUMNS = [
  'display_name',
  'first_name',
  'last_name',
  'nickname',
  'title',
  'department',
  'manager',
  'manager_email',
  'avatar',
  'mobile_number',
  'company',
  'job_title',
] as const;
export type IdentityColumn = (typeof IDENTITY_COLUMNS)[number];

/** Which columns may carry a value on each entity type (all others must be empty). */
export const COLUMNS_BY_ENTITY_TYPE: Readonly<Record<EntityType, readonly CanonicalColumn[]>> = {
  location: [...COMMON_COLUMNS, ...LOCATION_COLUMNS],
  user: [...COMMON_COLUMNS, ...USER_COLUMNS],
  extension_assignment: [...COMMON_COLUMNS, ...EXTENSION_ASSIGNMENT_COLUMNS],
};

/**
 * Columns the header must contain when the file has at least one row of that entity type (a
 * column with a configured default is exempt). `extension_assignment` also needs `extension`
 * or `phone_number`, checked separately.
 */
export const REQUIRED_HEADER_COLUMNS: Readonly<Record<EntityType, readonly CanonicalColumn[]>> = {
  location: [
    'location_name',
    'time_zone',
    'preferred_language',
    'announcement_language',
    'address_line1',
    'address_city',
    'address_state',
    'address_postal_code',
    'address_country',
  ],
  user: ['email', 'location_key'],
  extension_assignment: ['email', 'location_key'],
};

/** Location columns an operator may give a default for (`--default column=value`). */
export const DEFAULTABLE_COLUMNS = [
  'preferred_language',
  'announcement_language',
  'address_state',
  'address_country',
  'time_zone',
] as const;
export type DefaultableColumn = (typeof DEFAULTABLE_COLUMNS)[number];
