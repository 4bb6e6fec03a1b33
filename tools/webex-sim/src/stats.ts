/** Request counters of the referee (GET /_sim/stats). */
export class RequestStats {
  total = 0;
  invalid = 0;
  /** Late applies (lateApplyRate): scheduled after a 504, applied later, or found conflicting and dropped. */
  lateApplyScheduled = 0;
  lateApplied = 0;
  lateApplyDiscarded = 0;
  byStatus: Record<string, number> = {};
  byOperation: Record<string, number> = {};
  /** Every invalid request, capped, so a failing test can say what was wrong. */
  invalidSamples: { operation: string; problems: string[] }[] = [];

  count(operation: string, status: number | 'reset' | 'hang'): void {
    this.byStatus[String(status)] = (this.byStatus[String(status)] ?? 0) + 1;
    this.byOperation[operation] = (this.byOperation[operation] ?? 0) + 1;
  }

  reset(): void {
    this.total = 0;
    this.invalid = 0;
    this.lateApplyScheduled = 0;
    this.lateApplied = 0;
    this.lateApplyDiscarded = 0;
    this.byStatus = {};
    this.byOperation = {};
    this.invalidSamples = [];
  }

  toJSON() {
    return {
      total: this.total,
      invalid: this.invalid,
      lateApplyScheduled: this.lateApplyScheduled,
      lateApplied: this.lateApplied,
      lateApplyDiscarded: this.lateApplyDiscarded,
      byStatus: this.byStatus,
      byOperation: this.byOperation,
    };
  }
}
