/**
 * Turns byte counts into `FetchProgress` reports: the rate of this attempt (bytes resumed from an
 * earlier attempt do not count in it), the ETA, and at most one report per interval plus the last.
 */
import type { FetchPhase, FetchProgress } from '@mrcnn/schema';

export type ProgressSink = (p: FetchProgress) => void;

export class Meter {
  private readonly t0 = Date.now();
  private last = 0;

  constructor(private readonly sink: ProgressSink | undefined, private readonly phase: FetchPhase, private readonly source: string,
    private readonly total: number | undefined, private readonly resumedFrom = 0, private readonly intervalMs = 100) {}

  /** Reports `bytes` done (rate-limited unless `done`). */
  report(bytes: number, done = false): void {
    if (this.sink === undefined) return;
    const now = Date.now();
    if (!done && now - this.last < this.intervalMs) return;
    this.last = now;
    const seconds = (now - this.t0) / 1000;
    const bytesPerSecond = seconds > 0 ? (bytes - this.resumedFrom) / seconds : 0;
    const p: FetchProgress = { phase: this.phase, source: this.source, bytes, resumedFrom: this.resumedFrom, bytesPerSecond, done };
    if (this.total !== undefined) {
      p.total = this.total;
      if (bytesPerSecond > 0) p.etaSeconds = Math.max(0, this.total - bytes) / bytesPerSecond;
    }
    this.sink(p);
  }
}
