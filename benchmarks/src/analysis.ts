/** Figures derived from the raw subject results: summaries, ratios within the run, GFLOP/s, count checks. */
import { FlopCounts, flopCounts } from './flops';
import { medianByKey, summarize } from './stats';
import { configFor } from './subjects/config';
import { RunCounts, Stage, SubjectResult, Summary } from './types';
import type { WorkloadName } from './workloads/workload';

/** Peers the ratios are taken against, in order of preference. */
export const REFERENCES = ['ort-web-t2', 'ort-node-t2'] as const;

export interface Derived {
  id: string;
  total: Summary;
  /** load + first run, ms. */
  coldMs: number;
  /** cold / median warm run. */
  coldOverWarm: number;
  stages: Partial<Record<Stage, number>>;
  /** Effective GFLOP/s of the whole network and per counted stage. */
  gflops: number;
  stageGflops: Partial<Record<Stage, number>>;
  /** median / reference median, per reference present in the run. */
  ratios: Record<string, number>;
}

export interface CountCheck {
  /** Per image: the counts every subject reported (null RoIs = not exposed). */
  byImage: Record<string, Record<string, RunCounts>>;
  agree: boolean;
  problems: string[];
}

export interface Analysis {
  flops: FlopCounts;
  derived: Derived[];
  counts: CountCheck;
}

function stageFlops(f: FlopCounts): Partial<Record<Stage, number>> {
  return { backbone: f.backbone, fpn: f.fpn, rpnProposals: f.rpn, boxHead: f.boxHead, maskHead: f.maskHead };
}

export function checkCounts(results: readonly SubjectResult[], images: readonly string[], expected: { detections: number; rois: number }): CountCheck {
  const byImage: Record<string, Record<string, RunCounts>> = {};
  const problems: string[] = [];
  for (const r of results) {
    if (!r.ok || !r.counts) continue;
    r.counts.forEach((c, i) => {
      const img = images[i] ?? `#${i}`;
      (byImage[img] ??= {})[r.spec.id] = c;
      if (c.detections !== expected.detections) problems.push(`${r.spec.id} ${img}: ${c.detections} detections, expected ${expected.detections}`);
      if (c.rois !== null && c.rois !== expected.rois) problems.push(`${r.spec.id} ${img}: ${c.rois} RoIs, expected ${expected.rois}`);
    });
  }
  return { byImage, agree: problems.length === 0, problems };
}

export function analyze(results: readonly SubjectResult[], widthDiv: number, h: number, w: number, images: readonly string[],
  workload: WorkloadName = '0049'): Analysis {
  const cfg = configFor(widthDiv, workload);
  const rois = cfg.rpn.postNmsTopN;
  const rows = cfg.detection.maxDetections;
  const flops = flopCounts(cfg, h, w, rois, rows);
  const perStage = stageFlops(flops);
  const ok = results.filter((r) => r.ok && r.runs && r.runs.length > 0);
  const medians = new Map(ok.map((r) => [r.spec.id, summarize(r.runs!.map((x) => x.ms)).median]));
  const derived = ok.map((r): Derived => {
    const total = summarize(r.runs!.map((x) => x.ms));
    const stages = medianByKey<Stage>(r.runs!.map((x) => x.stages ?? {}));
    const stageGflops: Partial<Record<Stage, number>> = {};
    for (const [s, ms] of Object.entries(stages) as Array<[Stage, number]>) {
      const f = perStage[s];
      if (f !== undefined && ms > 0) stageGflops[s] = f / 1e6 / ms;
    }
    const ratios: Record<string, number> = {};
    for (const ref of REFERENCES) {
      const m = medians.get(ref);
      if (m !== undefined && ref !== r.spec.id) ratios[ref] = total.median / m;
    }
    const coldMs = (r.loadMs ?? 0) + (r.firstRunMs ?? 0);
    return {
      id: r.spec.id, total, coldMs, coldOverWarm: coldMs / total.median, stages,
      gflops: flops.total / 1e6 / total.median, stageGflops, ratios,
    };
  });
  return { flops, derived, counts: checkCounts(results, images, { detections: rows, rois }) };
}
