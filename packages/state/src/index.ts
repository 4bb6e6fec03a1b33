export {
  CHECKPOINT_FILE,
  CheckpointSchema,
  DEFAULT_PIPELINE_VERSION,
  validateCheckpoint,
  type Checkpoint,
  type Phase,
  type CheckpointValidation,
} from './checkpoint.js';
export { CheckpointCorruptError, InvalidCheckpointError } from './errors.js';
export { sha256File } from './hash.js';
export { checkpointPath } from './paths.js';
export { readCheckpoint } from './read.js';
export { checkResume, type ResumeDecision, type ResumeOptions } from './resume.js';
export { cleanStaleTemps } from './temp-files.js';
export { writeCheckpoint } from './write.js';
