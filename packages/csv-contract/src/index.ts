export {
  ENTITY_TYPES,
  COMMON_COLUMNS,
  LOCATION_COLUMNS,
  USER_COLUMNS,
  EXTENSION_ASSIGNMENT_COLUMNS,
  CANONICAL_COLUMNS,
  READY_COLUMNS,
  IDENTITY_COLUMNS,
  COLUMNS_BY_ENTITY_TYPE,
  REQUIRED_HEADER_COLUMNS,
  DEFAULTABLE_COLUMNS,
  type EntityType,
  type CanonicalColumn,
  type ReadyColumn,
  type ReadyRow,
  type IdentityColumn,
  type DefaultableColumn,
} from './columns.js';
export { PRE_API_REASON_CODES, RULES, formatIssue, type PreApiReasonCode, type RuleId, type RowIssue } from './reasons.js';
export { CsvFileError, ContractConfigError, type CsvFileProblem } from './errors.js';
export {
  validateCsvFile,
  physicalLinesOf,
  READY_FILE,
  REJECTED_FILE,
  MAX_RECORD_BYTES,
  type ValidateOptions,
  type ValidationSummary,
  type RejectedRowInfo,
} from './validate-file.js';
export { foldLocationKey } from './location-key.js';
export { LocationOrphans, type OrphanedLocation } from './orphans.js';
export { readReadyRows, ReadyFile, type ReadyRowsOptions } from './ready-file.js';
export { validateRecord, deriveEntityKey, type RowVerdict, type NormalisedRow, type ContractDefaults } from './validate-row.js';
export { resolveDefaults } from './defaults.js';
// Every normaliser is public: other tools (wbp-gen, the bench) check cells with the contract's own rules.
export * from './normalise/index.js';
export { LocationRowSchema, UserRowSchema, ExtensionAssignmentRowSchema, ROW_SCHEMAS } from './schemas.js';
export { USER_SETTING_COLUMNS, USER_SETTING_COLUMN_RULES, type UserSettingColumn } from './setting-columns.js';
