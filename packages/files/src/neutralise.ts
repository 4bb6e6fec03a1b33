/**
 * CSV-injection ("formula injection") defence for files people open in Excel or Sheets, after
 * OWASP: a cell whose first character is `=`, `+`, `-`, `@`, TAB or CR can be evaluated as a
 * formula, so it gets a leading `'`, which spreadsheets treat as "this is text" and do not show.
 *
 * Two shapes are left alone because they cannot be formulas and are common in these files:
 * plain decimal numbers (`-12`, `+3.5`) and E.164 phone numbers (`+34910000001`). Prefixing them
 * would make every phone number in results.csv unreadable to the scripts that grep it.
 */
const FORMULA_TRIGGER = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d+)?|\.\d+)$/;
const E164 = /^\+[1-9]\d{7,14}$/;

export function neutraliseCell(value: string): string {
  if (!FORMULA_TRIGGER.test(value)) return value;
  if (PLAIN_NUMBER.test(value) || E164.test(value)) return value;
  return `'${value}`;
}
