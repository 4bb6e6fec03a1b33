import * as v from 'valibot';
import {
  CANONICAL_COLUMNS,
  COLUMNS_BY_ENTITY_TYPE,
  ENTITY_TYPES,
  IDENTITY_COLUMNS,
  type CanonicalColumn,
  type DefaultableColumn,
  type EntityType,
} from './columns.js';
import { normalisePostalCode } from './normalise/index.js';
import { cleanCell, controlCharacterProblem } from './normalise/text.js';
import { quote } from './normalise/result.js';
import { RULES, type PreApiReasonCode, type RowIssue, type RuleId } from './reasons.js';
import { ROW_SCHEMAS } from './schemas.js';
import { settingConflicts } from './setting-columns.js';

export type ContractDefaults = Partial<Record<DefaultableColumn, string>>;

/** A normalised row without its row_id: every contract column, '' when not set. */
export type NormalisedRow = { [K in CanonicalColumn]: string };

export type RowVerdict =
  | { ok: true; entityType: EntityType; row: NormalisedRow }
  | {
      ok: false;
      reasonCode: PreApiReasonCode;
      issues: RowIssue[];
      /** As written (lower-cased), or '' when missing. */
      entityType: string;
      /** The explicit key, else a best-effort derivation from the raw values, else ''. */
      entityKey: string;
    };

const KNOWN_COLUMNS: readonly string[] = [...CANONICAL_COLUMNS, ...IDENTITY_COLUMNS];
const EMPTY_CELLS: Readonly<Record<string, string>> = Object.freeze(Object.fromEntries(KNOWN_COLUMNS.map((column) => [column, ''])));
const ENTITY_TYPE_SET: ReadonlySet<string> = new Set(ENTITY_TYPES);
const APPLICABLE: Record<EntityType, ReadonlySet<string>> = {
  location: new Set(COLUMNS_BY_ENTITY_TYPE.location),
  user: new Set(COLUMNS_BY_ENTITY_TYPE.user),
  extension_assignment: new Set(COLUMNS_BY_ENTITY_TYPE.extension_assignment),
};

/**
 * Validates and normalises one row given as `column → raw cell` (columns the contract does not
 * know are ignored; absent ones count as empty). Every problem in the row is reported, not only
 * the first, so an engineer fixes a row once. Cross-row rules (duplicates) are not checked here.
 */
export function validateRecord(record: Readonly<Record<string, string | undefined>>, defaults: ContractDefaults = {}): RowVerdict {
  // copied from a fixed-shape template: an object grown key by key is several times slower here
  const cells: Record<string, string> = { ...EMPTY_CELLS };
  for (const column of KNOWN_COLUMNS) {
    const raw = record[column];
    if (raw) cells[column] = cleanCell(raw);
  }

  const issues: RowIssue[] = [];
  const flagged = new Set<string>();
  for (const column of KNOWN_COLUMNS) {
    const problem = controlCharacterProblem(cells[column] ?? '');
    if (problem) {
      issues.push({ rule: 'control_characters', column, message: problem });
      flagged.add(column);
    }
  }

  const entityType = (cells.entity_type ?? '').toLowerCase();
  if (!ENTITY_TYPE_SET.has(entityType)) {
    issues.push({
      rule: entityType === '' ? 'required' : 'entity_type',
      column: 'entity_type',
      message:
        entityType === ''
          ? 'required on every row; use location, user or extension_assignment'
          : `${quote(cells.entity_type ?? '')} is not location, user or extension_assignment`,
    });
    return reject(issues, cells, entityType);
  }
  const type = entityType as EntityType;

  for (const column of IDENTITY_COLUMNS) {
    if (cells[column]) {
      issues.push({
        rule: 'identity_column',
        column,
        message: 'identity attributes come from the directory (LDAP) and wbp never changes them; leave this column empty',
      });
    }
  }
  for (const column of CANONICAL_COLUMNS) {
    if (cells[column] && !APPLICABLE[type].has(column)) {
      issues.push({ rule: 'not_applicable', column, message: `does not apply to ${type} rows; leave it empty` });
      flagged.add(column);
    }
  }

  if (type === 'location') {
    for (const [column, value] of Object.entries(defaults)) {
      if (!cells[column] && value !== undefined) cells[column] = value;
    }
  }

  const input: Record<string, string | undefined> = {};
  for (const column of APPLICABLE[type]) {
    if (column !== 'entity_type') input[column] = cells[column] || undefined;
  }
  const parsed = v.safeParse(ROW_SCHEMAS[type], input);
  if (!parsed.success) {
    for (const issue of parsed.issues) {
      const column = issue.path?.[0]?.key;
      if (typeof column === 'string' && flagged.has(column)) continue; // already reported
      issues.push(toRowIssue(issue, typeof column === 'string' ? column : undefined, type));
    }
  }
  if (issues.length > 0 || !parsed.success) return reject(issues, cells, type);

  const row = emptyRow();
  row.entity_type = type;
  for (const [column, value] of Object.entries(parsed.output)) {
    if (value !== undefined) row[column as CanonicalColumn] = value;
  }
  crossFieldRules(type, row, issues);
  if (issues.length > 0) return reject(issues, cells, type);
  return { ok: true, entityType: type, row };
}

/** Rules that involve two columns; they also fill in entity_key and a location's location_key. */
function crossFieldRules(type: EntityType, row: NormalisedRow, issues: RowIssue[]): void {
  if (type === 'location') {
    const postal = normalisePostalCode(row.address_postal_code, row.address_country);
    if (!postal.ok) issues.push({ rule: postal.rule, column: 'address_postal_code', message: postal.message });
  }
  if (type === 'user') issues.push(...settingConflicts(row));
  if (type === 'extension_assignment' && !row.extension && !row.phone_number) {
    issues.push({
      rule: 'extension_or_phone_required',
      column: 'extension',
      message: 'an extension_assignment row needs an extension, a phone_number or both',
    });
    return;
  }

  const derived = deriveEntityKey(type, row);
  if (row.entity_key && !sameKey(type, row.entity_key, derived, row)) {
    issues.push({
      rule: 'entity_key_mismatch',
      column: 'entity_key',
      message: `${quote(row.entity_key)} does not match the key derived from the row (${quote(derived)}); leave entity_key empty or write exactly that`,
    });
    return;
  }
  row.entity_key = derived;

  if (type === 'location') {
    if (row.location_key && row.location_key.toLowerCase() !== derived.toLowerCase()) {
      issues.push({
        rule: 'location_key_mismatch',
        column: 'location_key',
        message: `a location row's location_key is its own key; leave it empty or write ${quote(derived)}`,
      });
      return;
    }
    row.location_key = derived;
  }
}

/**
 * The stable key (term sheet §6.1): location → external id, else name; user → e-mail;
 * extension_assignment → `location_key:extension`, else `location_key:phone_number`.
 */
export function deriveEntityKey(type: EntityType, row: Readonly<NormalisedRow>): string {
  switch (type) {
    case 'location':
      return row.location_external_id || row.location_name;
    case 'user':
      return row.email;
    case 'extension_assignment':
      return `${row.location_key}:${row.extension || row.phone_number}`;
  }
}

/** Location keys compare case-insensitively; an assignment may also be keyed by its number. */
function sameKey(type: EntityType, given: string, derived: string, row: Readonly<NormalisedRow>): boolean {
  if (type === 'user') return given.toLowerCase() === derived;
  if (type === 'location') return given.toLowerCase() === derived.toLowerCase();
  const byPhone = row.phone_number ? `${row.location_key}:${row.phone_number}` : undefined;
  const matches = (key: string): boolean => {
    const at = key.lastIndexOf(':');
    return given.slice(0, at).toLowerCase() === key.slice(0, at).toLowerCase() && given.slice(at) === key.slice(at);
  };
  return given.lastIndexOf(':') !== -1 && (matches(derived) || (byPhone !== undefined && matches(byPhone)));
}

function toRowIssue(issue: v.BaseIssue<unknown>, column: string | undefined, type: EntityType): RowIssue {
  if (issue.expected !== null && Object.hasOwn(RULES, issue.expected)) {
    return { rule: issue.expected as RuleId, column, message: issue.message };
  }
  if (issue.input === undefined) {
    return { rule: 'required', column, message: `required on ${type} rows` };
  }
  return { rule: 'required', column, message: issue.message };
}

function reject(issues: RowIssue[], cells: Readonly<Record<string, string>>, entityType: string): RowVerdict {
  const reasonCode: PreApiReasonCode = issues.some((issue) => RULES[issue.rule] === 'out_of_scope')
    ? 'out_of_scope'
    : 'invalid_input_schema';
  return { ok: false, reasonCode, issues, entityType, entityKey: bestEffortKey(cells, entityType) };
}

function bestEffortKey(cells: Readonly<Record<string, string>>, entityType: string): string {
  if (cells.entity_key) return cells.entity_key;
  if (entityType === 'location') return cells.location_external_id || cells.location_name || '';
  if (entityType === 'user') return (cells.email ?? '').toLowerCase();
  if (entityType === 'extension_assignment') {
    const target = cells.extension || cells.phone_number;
    return cells.location_key && target ? `${cells.location_key}:${target}` : '';
  }
  return '';
}

const EMPTY_ROW: Readonly<NormalisedRow> = Object.freeze(
  Object.fromEntries(CANONICAL_COLUMNS.map((column) => [column, ''])) as NormalisedRow,
);

export function emptyRow(): NormalisedRow {
  return { ...EMPTY_ROW };
}
