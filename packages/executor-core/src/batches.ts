import type { Phase } from './outcome.js';
import type { ExecRow } from './row.js';

export interface Batch {
  /** Deterministic: `phase{p}-batch-{nnnn}`, counted over every row of the phase, done or not, so ids survive resume. */
  id: string;
  rows: ExecRow[];
}

/** Streams a phase's rows in batches of `size`; never buffers more than one batch. */
export async function* batches(rows: AsyncIterable<ExecRow>, phase: Phase, size: number): AsyncGenerator<Batch> {
  let current: ExecRow[] = [];
  let n = 0;
  const id = () => `phase${phase}-batch-${String(++n).padStart(4, '0')}`;
  for await (const row of rows) {
    current.push(row);
    if (current.length >= size) {
      yield { id: id(), rows: current };
      current = [];
    }
  }
  if (current.length > 0) yield { id: id(), rows: current };
}
