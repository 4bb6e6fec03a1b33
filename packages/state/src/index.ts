export {
  CHECKPOINT_FILE,
  CheckpointSchema,
  DEFAULT_PIPELINE_VERSION,
  validateCheckpoint,
  checkpointAttempt,
  type Checkpoint,
  type Phase,
  type CheckpointValidation,
} from './checkpoint.js';
export {
  CheckpointCorruptError,
  InvalidCheckpointError,
  ManifestCorruptError,
  OutDirLockedError,
  type LockHolder,
  type LockedKind,
} from './errors.js';
export { sha256File } from './hash.js';
export { checkpointPath, LOCK_FILE, MANIFEST_FILE } from './paths.js';
export { readCheckpoint } from './read.js';
export { checkResume, type ResumeDecision, type ResumeOptions } from './resume.js';
export { writeCheckpoint } from './write.js';
export { ManifestSchema, manifestPath, readManifest, validateManifest, writeManifest, type Manifest } from './manifest.js';
export { acquireDirLock, type AcquireDirLockOptions, type DirLock } from './lock.js';
