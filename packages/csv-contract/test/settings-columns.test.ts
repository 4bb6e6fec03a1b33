import { describe, expect, it } from 'vitest';
import { formatIssue, USER_SETTING_COLUMNS, validateRecord, type UserSettingColumn } from '@wbp/csv-contract';

const user = (cells: Partial<Record<UserSettingColumn, string>>) =>
  validateRecord({ entity_type: 'user', location_key: 'ES-MAD-01', email: 'ana@example.com', ...cells });

/** Per new column: values written as engineers write them → the normal form; bad values → the rule. */
const CASES: Record<string, { good: [string, string][]; bad: [string, string][] }> = {
  calling_settings_forward_busy: {
    good: [
      ['1002', '1002'],
      ['+34 91 000 00 09', '+34910000009'],
      ['OFF', 'off'],
      ['0034910000009', '+34910000009'],
    ],
    bad: [
      ['reception', 'forward_destination'],
      ['910000009', 'forward_destination'],
      ['1', 'forward_destination'],
    ],
  },
  calling_settings_forward_no_answer: {
    good: [
      ['2001', '2001'],
      ['Off', 'off'],
    ],
    bad: [['voicemail', 'forward_destination']],
  },
  calling_settings_forward_no_answer_rings: {
    good: [
      ['2', '2'],
      ['05', '5'],
      ['20', '20'],
    ],
    bad: [
      ['1', 'rings'],
      ['21', 'rings'],
      ['3.5', 'rings'],
      ['three', 'rings'],
      ['-4', 'rings'],
    ],
  },
  calling_settings_forward_business_continuity: {
    good: [
      ['+1 (212) 555-0100', '+12125550100'],
      ['off', 'off'],
    ],
    bad: [['none', 'forward_destination']],
  },
  calling_settings_voicemail_send_busy: {
    good: [
      ['sí', 'true'],
      ['0', 'false'],
    ],
    bad: [['on', 'boolean']],
  },
  calling_settings_voicemail_send_unanswered: {
    good: [
      ['YES', 'true'],
      ['falso', 'false'],
    ],
    bad: [['maybe', 'boolean']],
  },
  calling_settings_voicemail_rings: {
    good: [
      ['4', '4'],
      ['12', '12'],
    ],
    bad: [
      ['0', 'rings'],
      ['100', 'rings'],
    ],
  },
  calling_settings_voicemail_email_copy: {
    good: [
      ['Ana.Garcia@Example.com', 'ana.garcia@example.com'],
      ['OFF', 'off'],
    ],
    bad: [
      ['ana@', 'email_format'],
      ['no', 'email_format'],
    ],
  },
  calling_settings_outgoing_national: {
    good: [
      ['allow', 'ALLOW'],
      ['Block', 'BLOCK'],
    ],
    bad: [['deny', 'call_permission']],
  },
  calling_settings_outgoing_international: { good: [['BLOCK', 'BLOCK']], bad: [['true', 'call_permission']] },
  calling_settings_outgoing_premium: { good: [['Allow', 'ALLOW']], bad: [['auth_code', 'call_permission']] },
  calling_settings_call_recording: {
    good: [
      ['OFF', 'off'],
      ['Always', 'always'],
      ['always with pause', 'always_with_pause'],
      ['On-Demand', 'on_demand'],
    ],
    bad: [
      ['never', 'call_recording'],
      ['Always with Pause/Resume', 'call_recording'],
    ],
  },
  calling_settings_ecbn: {
    good: [
      ['direct_line', 'DIRECT_LINE'],
      ['Location ECBN', 'LOCATION_ECBN'],
      ['location-ecbn', 'LOCATION_ECBN'],
    ],
    bad: [
      ['location_member_number', 'ecbn'],
      ['+34910000001', 'ecbn'],
    ],
  },
  calling_settings_hoteling: {
    good: [
      ['true', 'true'],
      ['NO', 'false'],
    ],
    bad: [['enabled', 'boolean']],
  },
  calling_settings_barge_in: {
    good: [
      ['1', 'true'],
      ['false', 'false'],
    ],
    bad: [['x', 'boolean']],
  },
};

describe('the calling-settings columns of a user row', () => {
  it('every declared settings column has cases here (the five older ones in normalise.test.ts)', () => {
    const older = [
      'calling_settings_call_waiting',
      'calling_settings_do_not_disturb',
      'calling_settings_voicemail',
      'calling_settings_forward_always',
      'calling_settings_caller_id',
    ];
    expect([...older, ...Object.keys(CASES)].sort()).toEqual([...USER_SETTING_COLUMNS].sort());
  });

  describe.each(Object.entries(CASES))('%s', (column, { good, bad }) => {
    it.each(good)('%s → %s', (input, normal) => {
      const verdict = user({ [column]: input });
      expect(verdict.ok && verdict.row[column as UserSettingColumn]).toBe(normal);
    });
    it.each(bad)('%s is rejected (%s), the message naming the column and the rule', (input, rule) => {
      const verdict = user({ [column]: input });
      expect(verdict.ok).toBe(false);
      if (verdict.ok) return;
      expect(verdict.reasonCode).toBe('invalid_input_schema');
      expect(verdict.issues).toHaveLength(1);
      expect(verdict.issues[0]).toMatchObject({ rule, column });
      const message = formatIssue(verdict.issues[0]!);
      expect(message.startsWith(`${column}: ${JSON.stringify(input)} `)).toBe(true);
      expect(message.endsWith(` [${rule}]`)).toBe(true);
    });
    it('empty (or blank) leaves the setting as it is: the normal form is empty', () => {
      for (const blank of ['', '   ']) {
        const verdict = user({ [column]: blank });
        expect(verdict.ok && verdict.row[column as UserSettingColumn]).toBe('');
      }
    });
    it('does not apply to location or extension_assignment rows', () => {
      const verdict = validateRecord({
        entity_type: 'extension_assignment',
        location_key: 'ES-MAD-01',
        email: 'ana@example.com',
        extension: '1001',
        [column]: good[0]![0],
      });
      expect(verdict.ok).toBe(false);
      if (!verdict.ok) expect(verdict.issues).toEqual([expect.objectContaining({ rule: 'not_applicable', column })]);
    });
  });
});

describe('rules between settings columns (setting_conflict)', () => {
  const conflicts = (cells: Partial<Record<UserSettingColumn, string>>) => {
    const verdict = user(cells);
    return verdict.ok ? [] : verdict.issues.map((i) => `${i.column} [${i.rule}]`);
  };

  it('a companion column alone is fine: rings change the rings Webex holds', () => {
    expect(conflicts({ calling_settings_forward_no_answer_rings: '5' })).toEqual([]);
    expect(conflicts({ calling_settings_voicemail_rings: '4' })).toEqual([]);
    expect(conflicts({ calling_settings_forward_no_answer: '1002', calling_settings_forward_no_answer_rings: '5' })).toEqual([]);
    expect(conflicts({ calling_settings_voicemail: 'false', calling_settings_voicemail_send_busy: 'false' })).toEqual([]);
    expect(conflicts({ calling_settings_voicemail: 'false', calling_settings_voicemail_email_copy: 'off' })).toEqual([]);
  });

  it('rings for something the same row switches off are refused', () => {
    expect(conflicts({ calling_settings_forward_no_answer: 'off', calling_settings_forward_no_answer_rings: '5' })).toEqual([
      'calling_settings_forward_no_answer_rings [setting_conflict]',
    ]);
    expect(conflicts({ calling_settings_voicemail_send_unanswered: 'no', calling_settings_voicemail_rings: '3' })).toEqual([
      'calling_settings_voicemail_rings [setting_conflict]',
    ]);
  });

  it('voicemail off with voicemail options on is refused, each option named', () => {
    const verdict = user({
      calling_settings_voicemail: 'false',
      calling_settings_voicemail_send_busy: 'true',
      calling_settings_voicemail_email_copy: 'ana@example.com',
    });
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    expect(verdict.issues.map(formatIssue)).toEqual([
      'calling_settings_voicemail_send_busy: calling_settings_voicemail is false on this row, so voicemail cannot take calls or send copies; leave one of them empty [setting_conflict]',
      'calling_settings_voicemail_email_copy: calling_settings_voicemail is false on this row, so voicemail cannot take calls or send copies; leave one of them empty [setting_conflict]',
    ]);
  });
});
