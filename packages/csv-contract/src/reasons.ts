/**
 * The pre-API reason codes (term sheet §8.2, §4.2). `out_of_scope` is listed as a runtime
 * (pending) code in §8.2, but §4.2 rejects identity columns before any call with that code, so a
 * row carrying one ends in rejected_rows.csv.
 */
export const PRE_API_REASON_CODES = ['invalid_input_schema', 'duplicate_key', 'out_of_scope'] as const;
export type PreApiReasonCode = (typeof PRE_API_REASON_CODES)[number];

/**
 * Every rule a row can break, and its reason code. The rule id is printed in brackets at the end
 * of each reason_message so a failure can be looked up in input_schema.md.
 */
export const RULES = {
  row_shape: 'invalid_input_schema',
  entity_type: 'invalid_input_schema',
  required: 'invalid_input_schema',
  not_applicable: 'invalid_input_schema',
  control_characters: 'invalid_input_schema',
  max_length: 'invalid_input_schema',
  email_format: 'invalid_input_schema',
  boolean: 'invalid_input_schema',
  phone_e164: 'invalid_input_schema',
  extension_format: 'invalid_input_schema',
  extension_reserved: 'invalid_input_schema',
  extension_or_phone_required: 'invalid_input_schema',
  forward_destination: 'invalid_input_schema',
  caller_id: 'invalid_input_schema',
  rings: 'invalid_input_schema',
  call_permission: 'invalid_input_schema',
  call_recording: 'invalid_input_schema',
  ecbn: 'invalid_input_schema',
  setting_conflict: 'invalid_input_schema',
  time_zone: 'invalid_input_schema',
  language: 'invalid_input_schema',
  country: 'invalid_input_schema',
  postal_code: 'invalid_input_schema',
  entity_key_mismatch: 'invalid_input_schema',
  location_key_mismatch: 'invalid_input_schema',
  identity_column: 'out_of_scope',
  duplicate_location_key: 'duplicate_key',
  duplicate_location_name: 'duplicate_key',
  duplicate_email: 'duplicate_key',
  duplicate_extension: 'duplicate_key',
  duplicate_phone_number: 'duplicate_key',
  duplicate_assignment: 'duplicate_key',
} as const satisfies Record<string, PreApiReasonCode>;
export type RuleId = keyof typeof RULES;

/** One thing wrong with a row. */
export interface RowIssue {
  rule: RuleId;
  /** The offending column, when there is one. */
  column?: string | undefined;
  /** What is wrong and how to fix it, without the column name or rule id. */
  message: string;
}

/** `column: message [rule]`, the form used in reason_message and annotations. */
export function formatIssue(issue: RowIssue): string {
  return `${issue.column ? `${issue.column}: ` : ''}${issue.message} [${issue.rule}]`;
}
