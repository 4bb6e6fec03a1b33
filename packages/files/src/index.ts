export {
  REJECTED_COLUMNS,
  RESULTS_COLUMNS,
  PENDING_COLUMNS,
  type RejectedColumn,
  type ResultsColumn,
  type PendingColumn,
  type CsvCell,
  type CsvRecord,
  type RejectedRecord,
  type ResultsRecord,
  type PendingRecord,
} from './columns.js';
export { openCsvAppender, regularFileSize, type CsvAppender, type CsvAppenderOptions } from './appender.js';
export { readCsvLines, readCsvRecords } from './read-records.js';
export { OutputCorruptError, type CorruptionKind } from './errors.js';
export { neutraliseCell } from './neutralise.js';
export { minifyRow } from './minify.js';
export { formatCsvLine } from './csv-line.js';
export {
  physicalRecords,
  physicalRecordBatches,
  CsvSyntaxError,
  type PhysicalRecord,
  type PhysicalRecordsOptions,
} from './physical-records.js';
export { latestPerRow, lineAttempt } from './latest.js';
export { FileError, type FileErrorFields } from './file-error.js';
export { replaceFileAtomically } from './atomic-file.js';
export { syncDirectory } from './sync-directory.js';
export { claimTempPath, releaseTempPath, cleanStaleTemps, type CleanStaleTempsOptions } from './temp-files.js';
export { hasErrno } from './errno.js';
export { isProcessAlive } from './alive.js';
export { writtenRecords } from './written-records.js';
