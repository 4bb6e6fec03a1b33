import {
  normaliseBoolean,
  normaliseCallerId,
  normaliseCallPermission,
  normaliseCallRecording,
  normaliseEcbn,
  normaliseEmailOrOff,
  normaliseForwardDestination,
  normaliseForwardTarget,
  normaliseRings,
  OFF,
  type Normalised,
} from './normalise/index.js';
import type { RowIssue } from './reasons.js';

/**
 * The calling settings a user row can ask for: the one declaration of these columns, in the
 * order of ready_to_load.csv, each with the rule its cell must pass. The executor's settings
 * registry (executor-core/src/steps/settings-registry.ts) says what each does in Webex and
 * checks at load time that it covers exactly these. Empty = leave the setting as it is.
 */
export const USER_SETTING_COLUMN_RULES = {
  calling_settings_call_waiting: normaliseBoolean,
  calling_settings_do_not_disturb: normaliseBoolean,
  calling_settings_voicemail: normaliseBoolean,
  calling_settings_forward_always: normaliseForwardDestination,
  calling_settings_caller_id: normaliseCallerId,
  calling_settings_forward_busy: normaliseForwardTarget,
  calling_settings_forward_no_answer: normaliseForwardTarget,
  calling_settings_forward_no_answer_rings: normaliseRings,
  calling_settings_forward_business_continuity: normaliseForwardTarget,
  calling_settings_voicemail_send_busy: normaliseBoolean,
  calling_settings_voicemail_send_unanswered: normaliseBoolean,
  calling_settings_voicemail_rings: normaliseRings,
  calling_settings_voicemail_email_copy: normaliseEmailOrOff,
  calling_settings_outgoing_national: normaliseCallPermission,
  calling_settings_outgoing_international: normaliseCallPermission,
  calling_settings_outgoing_premium: normaliseCallPermission,
  calling_settings_call_recording: normaliseCallRecording,
  calling_settings_ecbn: normaliseEcbn,
  calling_settings_hoteling: normaliseBoolean,
  calling_settings_barge_in: normaliseBoolean,
} as const satisfies Record<`calling_settings_${string}`, (value: string) => Normalised>;

export type UserSettingColumn = keyof typeof USER_SETTING_COLUMN_RULES;

export const USER_SETTING_COLUMNS = Object.keys(USER_SETTING_COLUMN_RULES) as readonly UserSettingColumn[];

/**
 * Settings of one row that contradict each other (rule `setting_conflict`). The spec lets each
 * field be sent alone, so a column without its companion is fine (rings alone change the rings of
 * the forward or voicemail Webex holds); what is refused is a value that could have no effect
 * because the same row switches off what it belongs to, which is almost always a slip.
 */
export function settingConflicts(row: Readonly<Record<UserSettingColumn, string>>): RowIssue[] {
  const issues: RowIssue[] = [];
  const conflict = (column: UserSettingColumn, message: string) => issues.push({ rule: 'setting_conflict', column, message });
  if (row.calling_settings_forward_no_answer_rings && row.calling_settings_forward_no_answer === OFF) {
    conflict(
      'calling_settings_forward_no_answer_rings',
      'calling_settings_forward_no_answer is off on this row, so no call is forwarded after these rings; leave one of them empty',
    );
  }
  if (row.calling_settings_voicemail_rings && row.calling_settings_voicemail_send_unanswered === 'false') {
    conflict(
      'calling_settings_voicemail_rings',
      'calling_settings_voicemail_send_unanswered is false on this row, so no call goes to voicemail after these rings; leave one of them empty',
    );
  }
  if (row.calling_settings_voicemail === 'false') {
    const on: [UserSettingColumn, boolean][] = [
      ['calling_settings_voicemail_send_busy', row.calling_settings_voicemail_send_busy === 'true'],
      ['calling_settings_voicemail_send_unanswered', row.calling_settings_voicemail_send_unanswered === 'true'],
      ['calling_settings_voicemail_rings', row.calling_settings_voicemail_rings !== ''],
      [
        'calling_settings_voicemail_email_copy',
        row.calling_settings_voicemail_email_copy !== '' && row.calling_settings_voicemail_email_copy !== OFF,
      ],
    ];
    for (const [column, asked] of on) {
      if (asked)
        conflict(
          column,
          'calling_settings_voicemail is false on this row, so voicemail cannot take calls or send copies; leave one of them empty',
        );
    }
  }
  return issues;
}
