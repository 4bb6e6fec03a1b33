/** Counts and a progress line: `\r`-rewritten on a TTY, a plain line every `everyMs` otherwise. */
export class Progress {
  success = 0;
  pending = 0;
  #started = Date.now();
  #timer: NodeJS.Timeout | undefined;
  #lastLen = 0;

  constructor(
    private readonly total: number,
    private readonly write: (text: string) => void,
    private readonly tty: boolean,
    everyMs = tty ? 500 : 10_000,
  ) {
    if (total > 0) {
      this.#timer = setInterval(() => this.print(), everyMs);
      this.#timer.unref();
    }
  }

  row(status: 'success' | 'pending'): void {
    if (status === 'success') this.success++;
    else this.pending++;
  }

  line(): string {
    const done = this.success + this.pending;
    const seconds = Math.max((Date.now() - this.#started) / 1000, 0.001);
    const rate = done / seconds;
    const left = Math.max(this.total - done, 0);
    const eta = rate > 0 ? formatSeconds(left / rate) : '?';
    const pct = this.total > 0 ? Math.floor((100 * done) / this.total) : 100;
    return `${done}/${this.total} rows (${pct}%) · ${rate.toFixed(1)} rows/s · ETA ${eta} · success ${this.success} · pending ${this.pending}`;
  }

  print(): void {
    const text = this.line();
    if (this.tty) {
      this.write(`\r${text.padEnd(this.#lastLen)}`);
      this.#lastLen = text.length;
    } else this.write(`progress: ${text}\n`);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    if (this.tty && this.#lastLen > 0) this.write('\n');
  }
}

export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = Math.floor(s % 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(sec).padStart(2, '0')}s` : `${sec}s`;
}
