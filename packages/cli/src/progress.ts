/**
 * Progress on stderr: a bar redrawn in place on a terminal, one line per update otherwise.
 * The ETA is the mean time per finished item (of this run) times the items left.
 */
import type { CommandIO } from './command';

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** The status line for `done` of `total` items, `doneThisRun` of them in `elapsed` seconds. */
export function progressLine(done: number, total: number, doneThisRun: number, elapsed: number, failed: number, width = 24): string {
  const frac = total === 0 ? 1 : done / total;
  const filled = Math.round(frac * width);
  const bar = '='.repeat(Math.max(0, filled - 1)) + (filled > 0 ? (filled === width ? '=' : '>') : '') + ' '.repeat(width - filled);
  const rate = doneThisRun > 0 && elapsed > 0 ? doneThisRun / elapsed : 0;
  const eta = rate > 0 ? (total - done) / rate : NaN;
  const fail = failed > 0 ? ` ${failed} failed` : '';
  return `[${bar}] ${done}/${total} ${Math.round(frac * 100)}% ${rate.toFixed(2)} img/s ETA ${formatDuration(eta)}${fail}`;
}

export class ProgressBar {
  private readonly start = Date.now();
  private done = 0;
  private doneThisRun = 0;
  private failed = 0;

  constructor(private readonly io: CommandIO, private readonly total: number, private readonly quiet = false) {}

  /** An item already done by an earlier run (counts as done, not in the rate). */
  skip(): void {
    this.done++;
  }

  /** One more item finished (ok or failed). */
  tick(ok: boolean): void {
    this.done++;
    this.doneThisRun++;
    if (!ok) this.failed++;
    this.draw();
  }

  draw(): void {
    if (this.quiet) return;
    const line = progressLine(this.done, this.total, this.doneThisRun, (Date.now() - this.start) / 1000, this.failed);
    if (this.io.stderr.isTTY) this.io.stderr.write(`\r${line}\x1b[K`);
    else this.io.stderr.write(`${line}\n`);
  }

  /** Ends the in-place line on a terminal. */
  finish(): void {
    if (!this.quiet && this.io.stderr.isTTY) this.io.stderr.write('\n');
  }

  /** Prints a message without breaking the bar. */
  log(message: string): void {
    if (this.io.stderr.isTTY && !this.quiet) this.io.stderr.write(`\r\x1b[K${message}\n`);
    else this.io.stderr.write(`${message}\n`);
    if (this.io.stderr.isTTY) this.draw();
  }
}
