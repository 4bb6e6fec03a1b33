/** Request counters of the referee (GET /_sim/stats). */
export class RequestStats {
  total = 0;
  invalid = 0;
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
    this.byStatus = {};
    this.byOperation = {};
    this.invalidSamples = [];
  }

  toJSON() {
    return { total: this.total, invalid: this.invalid, byStatus: this.byStatus, byOperation: this.byOperation };
  }
}
