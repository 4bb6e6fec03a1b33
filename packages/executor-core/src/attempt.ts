import type { ResumeDecision } from '@wbp/state';

/** How an invocation relates to the checkpoint it found: the first attempt, a resumed one, or a re-run of a finished one's pending rows. */
export type AttemptKind = 'first' | 'resume' | 're_run';

/** A decision that lets the invocation go on: not a checkpoint of another CSV or pipeline version. */
export type UsableDecision = Exclude<ResumeDecision, { kind: 'hash_mismatch' | 'version_mismatch' }>;

/**
 * The attempt an invocation works on, from the checkpoint decision alone: 1 for a fresh folder, the
 * checkpoint's for a resume, the next one for a re-run of a finished attempt's pending rows (which
 * starts only if a row is pending). Undefined for a checkpoint of another CSV or pipeline version,
 * which is refused. One function, so the executor and the runner's run-start line cannot disagree.
 */
export function plannedAttempt(decision: UsableDecision): { attempt: number; kind: AttemptKind };
export function plannedAttempt(decision: ResumeDecision): { attempt: number; kind: AttemptKind } | undefined;
export function plannedAttempt(decision: ResumeDecision): { attempt: number; kind: AttemptKind } | undefined {
  switch (decision.kind) {
    case 'fresh':
      return { attempt: 1, kind: 'first' };
    case 'resume':
      return { attempt: decision.attempt, kind: 'resume' };
    case 'finished':
      return { attempt: decision.attempt + 1, kind: 're_run' };
    default:
      return undefined;
  }
}
