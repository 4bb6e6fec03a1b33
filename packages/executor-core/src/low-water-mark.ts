/**
 * The checkpoint mark of one phase: the highest row id such that every row of the phase up to it
 * has ended (its outputs written). Rows end out of order (rows run concurrently, a slow one holds
 * its place), so the mark is the end of the contiguous prefix of ended rows in file order, never
 * simply the last row that ended: a resume restarts after the mark and must not skip a row that
 * was still in flight.
 *
 * Row ids of a phase are increasing but not contiguous (the rows of other entity types sit between
 * them in the ready file), so the mark moves from one tracked id to the next, over any gap.
 *
 * The rows are tracked batch by batch, in the order they are read; a batch whose rows have all
 * ended is let go of with `settleFirst()`, so only the open batches' ids are ever held.
 */
export class LowWaterMark {
  /** Every row up to this id has ended, and no batch at or before it is tracked any more. */
  #settled: number;
  /** Row ids of the tracked batches, each in file order, batches in file order. */
  readonly #batches: (readonly number[])[] = [];
  /** Rows of the tracked batches that ended in this invocation. */
  readonly #ended = new Set<number>();
  readonly #endedBefore: (rowId: number) => boolean;

  /**
   * @param startMark the mark this invocation starts from (0, or the resumed checkpoint's `last_row_id`).
   * @param endedBefore rows an earlier invocation already ended (their lines are in results.csv):
   *   they are never run again, so they count as ended from the start.
   */
  constructor(startMark: number, endedBefore: (rowId: number) => boolean) {
    this.#settled = startMark;
    this.#endedBefore = endedBefore;
  }

  /** Tracks the next batch's row ids (file order; every id above the previous batch's). */
  track(rowIds: readonly number[]): void {
    this.#batches.push(rowIds);
  }

  /** A tracked row ended (its outcome was written, or it ended without one). */
  end(rowId: number): void {
    this.#ended.add(rowId);
  }

  /** The mark now: the last id of the contiguous prefix of ended rows. */
  get value(): number {
    let mark = this.#settled;
    for (const ids of this.#batches) {
      for (const id of ids) {
        if (!this.#ended.has(id) && !this.#endedBefore(id)) return mark;
        mark = id;
      }
    }
    return mark;
  }

  /**
   * Lets go of the first tracked batch, whose rows have all ended, and returns the mark (which
   * covers at least that batch). The caller finalizes batches in order, so it is always the first.
   */
  settleFirst(): number {
    this.#settled = this.value;
    for (const id of this.#batches.shift() ?? []) this.#ended.delete(id);
    return this.#settled;
  }
}
