/** The markdown table of a benchmark report (also pasted into benchmarks/README.md). */
import { REFERENCES } from '../analysis';
import { roiAlignBenchMarkdown } from '../roi_align_step';
import { BenchReport } from '../run_all';
import { STAGES } from '../types';
import { fixed, sec, STAGE_LABELS } from './format';

/** An error message on one table line: whitespace collapsed, at most 400 characters. */
function oneLine(s: string): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > 400 ? `${t.slice(0, 397)}...` : t;
}

export function renderMarkdown(r: BenchReport): string {
  const m = r.machine;
  const a = r.analysis;
  const out: string[] = [];
  out.push(`### ${r.date.slice(0, 16).replace('T', ' ')} UTC · ${m.host} · ${r.mode} · ${r.schedule}`);
  out.push('');
  out.push(`Machine: ${m.cpu}, ${m.cores} logical cores, ${m.memGiB} GiB, Node ${m.node}; load average at the end ${m.loadAvg.join(' / ')} (shared and noisy: compare ratios within one run, not absolute times across runs).`);
  out.push(`Weights: oracle seed, width divisor K=${r.inputs.widthDiv}${r.inputs.widthDiv === 1 ? ' (full size)' : ' (committed fixtures, NOT full size)'}; images ${r.inputs.images.join(', ')} at ${r.inputs.inputHeight}x${r.inputs.inputWidth}. Wall time ${r.wallSeconds} s.`);
  out.push(`Command: \`${r.command}\``);
  out.push('');
  out.push(a.counts.agree
    ? 'Counts: every subject gave the same detections and RoIs (100 detections, 1000 RoIs per image where exposed).'
    : `Counts differ: ${a.counts.problems.join('; ')}`);
  out.push('');
  const refs = REFERENCES.filter((id) => a.derived.some((d) => d.id === id));
  out.push(`| subject | network median s (min–max, n) | ${refs.map((id) => `× ${id}`).join(' | ')}${refs.length ? ' | ' : ''}cold s (load + 1st run) | cold / warm | GFLOP/s | peak RSS MiB (runs; + profile pass) | wasm heap MiB | detections / RoIs |`);
  out.push(`|---|---|${refs.map(() => '---|').join('')}---|---|---|---|---|---|`);
  for (const s of r.subjects) {
    const d = a.derived.find((x) => x.id === s.spec.id);
    if (!s.ok || d === undefined) continue;
    const counts = (s.counts ?? []).map((c) => `${c.detections} / ${c.rois ?? 'n/a'}`).join(', ');
    const heap = s.memory?.wasmHeapMiB;
    out.push(`| ${s.spec.id} | ${sec(d.total.median)} (${sec(d.total.min)}–${sec(d.total.max)}, ${d.total.n}) | `
      + refs.map((id) => (d.ratios[id] !== undefined ? `${fixed(d.ratios[id], 2)}` : '1')).join(' | ') + (refs.length ? ' | ' : '')
      + `${sec(d.coldMs)} (${sec(s.loadMs)} + ${sec(s.firstRunMs)}) | ${fixed(d.coldOverWarm, 2)} | ${fixed(d.gflops)} | `
      + `${fixed(s.memory?.peakRssMiB, 0)}${s.memory?.peakRssWithProfileMiB === undefined ? '' : ` (${fixed(s.memory.peakRssWithProfileMiB, 0)})`} | ${heap === undefined ? '—' : fixed(heap, 0)} | ${counts} |`);
  }
  const skipped = r.subjects.filter((s) => !s.ok);
  if (skipped.length > 0) {
    out.push('');
    for (const s of skipped) out.push(`- ${s.spec.id}: ${oneLine(s.error ?? 'did not run')}`);
  }
  const staged = a.derived.filter((d) => Object.keys(d.stages).length > 0);
  if (staged.length > 0) {
    out.push('');
    out.push(`Stages of this project: median ms per run (preprocess and paste are outside the network time the peers are compared on) (effective GFLOP/s where FLOPs are counted). FLOPs: backbone ${fixed(a.flops.backbone / 1e9)}, FPN ${fixed(a.flops.fpn / 1e9)}, RPN ${fixed(a.flops.rpn / 1e9)}, box head ${fixed(a.flops.boxHead / 1e9)}, mask head ${fixed(a.flops.maskHead / 1e9)}, total ${fixed(a.flops.total / 1e9)} GFLOP.`);
    out.push('');
    out.push(`| stage | ${staged.map((d) => d.id).join(' | ')} |`);
    out.push(`|---|${staged.map(() => '---|').join('')}`);
    for (const st of STAGES) {
      if (!staged.some((d) => d.stages[st] !== undefined)) continue;
      out.push(`| ${STAGE_LABELS[st]} | ${staged.map((d) => {
        const ms = d.stages[st];
        const g = d.stageGflops[st];
        return ms === undefined ? '—' : `${fixed(ms, 0)}${g !== undefined ? ` (${fixed(g)})` : ''}`;
      }).join(' | ')} |`);
    }
    const profiled = r.subjects.filter((s) => s.ok && s.profile);
    if (profiled.length > 0) {
      out.push('');
      out.push('Profile pass (stages driven one by one, ms): ' + profiled.map((s) => `${s.spec.id}: `
        + Object.entries(s.profile ?? {}).map(([k, v]) => `${k} ${fixed(v, 0)}`).join(', ')).join('; ') + '.');
    }
    const mem = r.subjects.filter((s) => s.ok && s.memory?.tfMemory);
    if (mem.length > 0) {
      out.push('');
      out.push('tf.memory() after load → after the runs: ' + mem.map((s) => {
        const t = s.memory!.tfMemory!;
        return `${s.spec.id} ${t.afterLoad.numTensors} → ${t.afterRuns.numTensors} tensors, ${fixed(t.afterLoad.numBytes / 2 ** 20, 0)} → ${fixed(t.afterRuns.numBytes / 2 ** 20, 0)} MiB`;
      }).join('; ') + '.');
    }
  }
  const gpu = r.subjects.filter((s) => s.ok && s.gpu);
  if (gpu.length > 0) {
    out.push('');
    out.push('GPU work (counted on the page; independent of the GPU\'s speed): ' + gpu.map((s) => {
      const g = s.gpu!;
      return `${s.spec.id} on ${g.adapter}${g.fallback ? ' (a software fallback adapter: its times are CPU-emulated)' : ''}: `
        + `${g.dispatchesPerRun} dispatches and ${g.readBacksPerRun} read-backs per run, ${g.pipelinesPerWarmRun} pipelines created in a warm run; `
        + `first run ${g.firstRunPipelines} pipelines, compiled one by one in ${sec(g.compileMs)} s; `
        + `GPU memory after the runs ${fixed(g.tensorsMiB, 0)} MiB in tensors, ${fixed(g.allocatedMiB, 0)} MiB allocated (with tfjs's buffer pool)`;
    }).join('; ') + '.');
  }
  if (r.roiAlign !== undefined) {
    out.push('');
    if ('error' in r.roiAlign) out.push(`RoIAlign micro-benchmark failed: ${r.roiAlign.error}`);
    else out.push(roiAlignBenchMarkdown(r.roiAlign, r.command).replace(/^# /m, '#### ').trimEnd());
  }
  return out.join('\n') + '\n';
}
