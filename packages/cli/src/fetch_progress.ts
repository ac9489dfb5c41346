/**
 * Draws a model fetch's progress (`FetchProgress` of @mrcnn/schema) on stderr: on a terminal one
 * bar redrawn in place (bytes, total, rate, ETA); otherwise plain lines, one per phase start, every
 * 10% of a download and at each phase's end, so a log stays short.
 */
import type { FetchProgress } from '@mrcnn/schema';
import type { CommandIO } from './command';
import { formatDuration } from './progress';

/** 1536 → '1.5 KiB', 178090079 → '169.8 MiB'. */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return u === 0 ? `${n} B` : `${v.toFixed(1)} ${units[u]}`;
}

const VERB: Readonly<Record<FetchProgress['phase'], string>> = {
  download: 'download', cache: 'from cache', verify: 'verify SHA-256', convert: 'convert',
};

/** One status line for a report, e.g. `download [=====>    ] 45.0/169.8 MiB 26% 12.1 MiB/s ETA 0:11`. */
export function fetchLine(p: FetchProgress, width = 24): string {
  const verb = VERB[p.phase];
  if (p.phase === 'convert') return `${verb} ${p.source}${p.done ? ': done' : ' ...'}`;
  if (p.total === undefined || p.total === 0) {
    return `${verb} ${formatBytes(p.bytes)}${p.bytesPerSecond > 0 ? ` ${formatBytes(p.bytesPerSecond)}/s` : ''}`;
  }
  const frac = Math.min(1, p.bytes / p.total);
  const filled = Math.round(frac * width);
  const bar = '='.repeat(Math.max(0, filled - 1)) + (filled > 0 ? (filled === width ? '=' : '>') : '') + ' '.repeat(width - filled);
  const resumed = p.resumedFrom > 0 ? ` (resumed at ${formatBytes(p.resumedFrom)})` : '';
  const rate = p.bytesPerSecond > 0 ? ` ${formatBytes(p.bytesPerSecond)}/s` : '';
  const eta = p.done ? '' : ` ETA ${formatDuration(p.etaSeconds ?? NaN)}`;
  return `${verb} [${bar}] ${formatBytes(p.bytes)}/${formatBytes(p.total)} ${Math.floor(frac * 100)}%${rate}${eta}${resumed}`;
}

/** A FetchProgress sink drawing on `io.stderr` (nothing when `quiet`). */
export function fetchProgressPrinter(io: CommandIO, quiet = false): (p: FetchProgress) => void {
  let phase: string | undefined;
  let step = -1;
  return (p) => {
    if (quiet) return;
    const line = fetchLine(p);
    if (io.stderr.isTTY) {
      io.stderr.write(`\r${line}\x1b[K${p.done ? '\n' : ''}`);
      return;
    }
    const key = `${p.phase} ${p.source}`;
    const tenth = p.total ? Math.floor((10 * p.bytes) / p.total) : 0;
    if (key !== phase || p.done || tenth > step) {
      if (key !== phase) {
        phase = key;
        if (p.phase === 'download') io.stderr.write(`fetching ${p.source}\n`);
      }
      step = tenth;
      io.stderr.write(`${line}\n`);
    }
  };
}
