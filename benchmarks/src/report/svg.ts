/** An SVG bar chart of median time per subject, split into stages where the subject reports them. */
import { BenchReport } from '../run_all';
import { STAGES } from '../types';
import { STAGE_LABELS } from './format';

const COLORS: Record<string, string> = {
  preprocess: '#9e9e9e', backbone: '#1f77b4', fpn: '#aec7e8', rpnProposals: '#ff7f0e', boxHead: '#2ca02c',
  detectionOutput: '#d62728', maskHead: '#9467bd', paste: '#8c564b', other: '#c7c7c7', whole: '#7f7f7f',
};

function label(name: string): string {
  if (name === 'whole') return 'whole network (peers)';
  if (name === 'other') return 'read-back, other';
  return STAGE_LABELS[name] ?? name;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function renderSvg(r: BenchReport): string {
  const rows = r.analysis.derived;
  const left = 150;
  const width = 900;
  const barH = 22;
  const gap = 10;
  const top = 44;
  const legendH = 70;
  const plotW = width - left - 70;
  const max = Math.max(1, ...rows.map((d) => d.total.median));
  const scale = plotW / max;
  const height = top + rows.length * (barH + gap) + legendH;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  parts.push(`<text x="10" y="16" font-size="14">${esc(`Median network time per run, s · ${r.inputs.images.length} image(s) ${r.inputs.inputHeight}x${r.inputs.inputWidth}, K=${r.inputs.widthDiv} · ${r.date.slice(0, 10)} ${r.machine.host} · ${r.mode}, ${r.schedule}`)}</text>`);
  parts.push(`<text x="10" y="32" font-size="11" fill="#555">${esc('bars split by stage where the subject reports them; preprocess and paste are added to the bar, not to the number')}</text>`);
  rows.forEach((d, i) => {
    const y = top + i * (barH + gap);
    parts.push(`<text x="${left - 6}" y="${y + barH * 0.7}" text-anchor="end">${esc(d.id)}</text>`);
    let x = left;
    const staged = Object.keys(d.stages).length > 0;
    const segs: Array<[string, number]> = staged
      ? STAGES.filter((s) => d.stages[s] !== undefined).map((s) => [s, d.stages[s]!])
      : [['whole', d.total.median]];
    if (staged) {
      const sum = segs.filter(([n]) => n !== 'preprocess' && n !== 'paste').reduce((a, [, v]) => a + v, 0);
      if (d.total.median > sum) segs.push(['other', d.total.median - sum]);
    }
    for (const [name, ms] of segs) {
      const w = Math.max(0, ms * scale);
      parts.push(`<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${barH}" fill="${COLORS[name]}"><title>${esc(`${d.id} ${label(name)}: ${(ms / 1000).toFixed(2)} s`)}</title></rect>`);
      x += w;
    }
    parts.push(`<text x="${(x + 4).toFixed(1)}" y="${y + barH * 0.7}">${(d.total.median / 1000).toFixed(2)}</text>`);
  });
  const ly = top + rows.length * (barH + gap) + 10;
  const used = new Set(rows.flatMap((d) => (Object.keys(d.stages).length > 0 ? [...Object.keys(d.stages), 'other'] : ['whole'])));
  const legend = [...STAGES, 'other', 'whole'].filter((n) => used.has(n));
  legend.forEach((name, i) => {
    const x = 10 + (i % 4) * 200;
    const y = ly + Math.floor(i / 4) * 18;
    parts.push(`<rect x="${x}" y="${y}" width="12" height="12" fill="${COLORS[name]}"/>`);
    parts.push(`<text x="${x + 16}" y="${y + 10}">${esc(label(name))}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
