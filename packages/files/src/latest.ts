/**
 * results.csv and pending_rows.csv are append-only across attempts: a row that ended pending in
 * attempt 1 and was tried again in attempt 2 has a line of each. Whatever asks "how did this row
 * end" (resume, the summary, the integrity checks, the tools) must read the row's *latest* line,
 * never count lines. These helpers are the one place that rule is written down.
 */

/** The attempt a results or pending line belongs to; `NaN` when the cell is not a positive whole number. */
export function lineAttempt(record: { readonly attempt: string }): number {
  return /^[1-9]\d*$/.test(record.attempt) ? Number(record.attempt) : NaN;
}

/**
 * The latest line of each row (the highest attempt; within one attempt, the later line), by
 * numeric row_id. Lines are appended in attempt order, so this is also the last line of each row.
 */
export async function latestPerRow<R extends { readonly row_id: string; readonly attempt: string }>(
  records: AsyncIterable<R> | Iterable<R>,
): Promise<Map<number, R>> {
  const latest = new Map<number, R>();
  for await (const r of records) {
    const rowId = Number(r.row_id);
    const seen = latest.get(rowId);
    if (seen === undefined || !(lineAttempt(r) < lineAttempt(seen))) latest.set(rowId, r);
  }
  return latest;
}
