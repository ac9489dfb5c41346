/** Markdown report of a RoIAlign micro-benchmark result. */
import { backendEntry } from '@mrcnn/engine';
import type { RoiAlignBenchResult } from './index';

const ms = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

export function roiAlignBenchMarkdown(r: RoiAlignBenchResult, command: string): string {
  const lines = [
    '# RoIAlign micro-benchmark',
    '',
    `multiLevelRoIAlign kernel (@mrcnn/engine) vs the same result composed from stock tfjs ops`,
    `(level mapping, per level cropAndResize to the sample grid + avgPool, gather back to RoI order).`,
    `FPN maps P2..P5 of a ${r.image[0]}x${r.image[1]} input, C = ${r.channels}; RoIs inside [0, W-32]x[0, H-32],`,
    `log-uniform 8..400 px; sampling ratio 2, aligned = false, 0049 level mapping. Times include the`,
    `read-back of the output; median of ${r.runs} runs after ${r.warmup} warm-up(s).`,
    '',
    `${r.date}, ${r.node.startsWith('v') ? `Node ${r.node}` : r.node}, tfjs ${r.tfjs}. Command: \`${command}\``,
    '',
    '| backend | case | kernel ms | stock ms | stock / kernel | max abs diff |',
    '|---|---|---:|---:|---:|---:|',
  ];
  for (const b of r.backends) {
    if (!b.ok) {
      lines.push(`| ${b.backend} | not available: ${b.error ?? 'unknown error'} | | | | |`);
      continue;
    }
    const e = b.enabled;
    const label = e === undefined ? b.backend
      : `${b.backend}${backendEntry(e.backend)?.capabilities.threads ? ` (${e.simd ? 'SIMD' : 'no SIMD'}, ${e.threads} thread${e.threads === 1 ? '' : 's'})` : ''}`;
    for (const c of b.cases) {
      lines.push(`| ${label} | ${c.case} | ${ms(c.kernel.medianMs)} | ${ms(c.stock.medianMs)} | ${c.speedup.toFixed(1)}x | ${c.maxAbsDiff.toExponential(1)} |`);
    }
  }
  lines.push('');
  return lines.join('\n');
}
