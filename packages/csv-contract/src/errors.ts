import { FileError } from '@wbp/files';

/** Why a whole file cannot be validated (as opposed to a row being rejected). */
export type CsvFileProblem =
  | 'unreadable'
  | 'empty_file'
  | 'encoding'
  | 'wrong_delimiter'
  | 'malformed_csv'
  | 'duplicate_columns'
  | 'missing_columns'
  | 'too_many_rows'
  | 'not_a_ready_file';

/**
 * A file-level problem: nothing in the file is loaded, and the message says what to change.
 * `line` is the physical line (header = 1) when the problem has one.
 */
export class CsvFileError extends FileError<CsvFileProblem> {
  override name = 'CsvFileError';

  constructor(file: string, kind: CsvFileProblem, detail: string, line?: number) {
    super(`${file}${line === undefined ? '' : `:${line}`}: ${detail}`, { file, line, kind, detail });
  }
}

/** A validation option is itself invalid (e.g. `--default time_zone=Mars/Base`). */
export class ContractConfigError extends Error {
  override name = 'ContractConfigError';
}
