/**
 * @mrcnn/benchmarks, the harness as a library: `runBench(options, io, command)` plans the
 * subjects, runs each in its own process with a progress line on io.stderr and returns the
 * report; `writeReport` writes benchmarks/results/<date>-<host>[-quick].{json,md,svg};
 * `renderMarkdown` is the table. The command line (`mrcnn bench`, `npm run bench`) is
 * @mrcnn/cli's; it resolves this package by name when called (this package never imports it).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { EngineBackendName } from '@mrcnn/engine';
import { readImageInput, resolveInputs, RESULTS_DIR } from './inputs';
import { ensureTfjsModel } from './subjects/tfjs_model';
import { renderMarkdown } from './report/markdown';
import { renderSvg } from './report/svg';
import { buildReport, BenchReport, ProgressLine, runAll, runAllInterleaved } from './run_all';
import type { RoiAlignBenchResult } from './roi_align_step';
import { runRoiAlignWorker } from './spawn_subject';
import { Mode, planSubjects } from './subjects/registry';
import { TORCHVISION_IMAGES, torchvisionInputs } from './workloads/torchvision_inputs';
import type { WorkloadName } from './workloads/workload';

export interface BenchIO {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown; isTTY?: boolean };
}

/** What one harness run does (the command line's options, as @mrcnn/cli's `mrcnn bench` reads them). */
export interface BenchRunOptions {
  mode: Mode;
  /**
   * The network timed: '0049' (default; the card's 320x480) or 'torchvision' (maskrcnn_resnet50_fpn at
   * its default 800/1333 input; workloads/torchvision_inputs.ts).
   */
  workload?: WorkloadName;
  /** Only these subjects (ids of SUBJECT_IDS); default: the mode's. */
  subjects?: string[];
  runs?: number;
  warmup?: number;
  /** Golden stems whose im_data feed the subjects. */
  images?: string[];
  oracleDir?: string;
  /** Per-subject time limit in seconds. */
  timeoutS: number;
  /** Run the engine's RoIAlign micro-benchmark after the subjects. */
  roiAlign: boolean;
  /** One subject after the other instead of interleaved rounds. */
  sequential: boolean;
}

export type { BenchReport } from './run_all';
export type { Mode } from './subjects/registry';
export { SUBJECT_IDS } from './subjects/registry';
export { RESULTS_DIR } from './inputs';
export { WORKLOAD_NAMES } from './workloads/workload';
export type { WorkloadName } from './workloads/workload';
export { renderMarkdown } from './report/markdown';

/** A single updating line on a terminal; one line per event otherwise. */
function progressLine(err: BenchIO['stderr']): ProgressLine {
  let last = '';
  return {
    update(text) {
      if (err.isTTY === true) err.write(`\r\x1b[K${text}`);
      else if (text.split(' · ')[0] !== last) { err.write(`${text}\n`); last = text.split(' · ')[0]; }
    },
    done(text) {
      err.write(err.isTTY === true ? `\r\x1b[K${text}\n` : `${text}\n`);
      last = '';
    },
  };
}

export function resultStem(report: BenchReport): string {
  const host = report.machine.host.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 40);
  return `${report.date.slice(0, 10)}-${host}${report.mode === 'quick' ? '-quick' : ''}`;
}

/** Writes the JSON, markdown and SVG; returns their paths. */
export function writeReport(report: BenchReport, outDir: string): string[] {
  fs.mkdirSync(outDir, { recursive: true });
  const stem = path.join(outDir, resultStem(report));
  const files: Array<[string, string]> = [
    [`${stem}.json`, `${JSON.stringify(report, null, 1)}\n`],
    [`${stem}.md`, renderMarkdown(report)],
    [`${stem}.svg`, renderSvg(report)],
  ];
  for (const [f, text] of files) fs.writeFileSync(f, text);
  return files.map(([f]) => f);
}

/** Runs the subjects (and the RoIAlign micro-benchmark); `command` is recorded in the report. */
export async function runBench(o: BenchRunOptions, io: BenchIO, command: string): Promise<BenchReport> {
  const startedAt = Date.now();
  const log = (l: string): void => { io.stderr.write(`${l}\n`); };
  const specs = planSubjects({ mode: o.mode, only: o.subjects, runs: o.runs, warmup: o.warmup });
  const needsOnnx = specs.some((s) => s.kind === 'ort-node' || s.kind === 'ort-web');
  const workload = o.workload === 'torchvision'
    ? { name: 'torchvision' as const, ...(await torchvisionInputs(log, needsOnnx)) }
    : undefined;
  if (workload !== undefined && o.oracleDir !== undefined) throw new Error('--oracle-dir applies to the 0049 workload only');
  const inputs = resolveInputs({
    oracleDir: o.oracleDir, images: o.images ?? (workload ? TORCHVISION_IMAGES : undefined),
    limit: o.images ? undefined : o.mode === 'quick' ? 1 : undefined, workload,
  });
  const first = readImageInput(inputs, inputs.images[0]);
  const hw: [number, number] = [first.imDataShape[2], first.imDataShape[3]];
  io.stderr.write(`bench (${o.mode}, ${o.sequential ? 'sequential' : 'interleaved'}, workload ${inputs.workload}): ${specs.length} subjects, weights K=${inputs.widthDiv} from ${path.relative(process.cwd(), inputs.oracleDir) || '.'}, `
    + `images ${inputs.images.join(', ')} at ${hw[0]}x${hw[1]}, ${os.cpus().length} cores\n`);
  if (inputs.widthDiv !== 1) io.stderr.write('note: full-size weights missing (npm run oracle makes .cache/oracle/k1); timing the K=8 fixtures\n');
  if (specs.some((s) => s.kind === 'tfjs')) {
    const json = await ensureTfjsModel(inputs, log);
    if (json === undefined) io.stderr.write('note: no ONNX export to convert; tfjs subjects load the canonical weight dump\n');
  }
  const line = progressLine(io.stderr);
  const schedule = o.sequential ? 'sequential' : 'interleaved';
  const results = await (o.sequential ? runAll : runAllInterleaved)(specs, inputs, line, { timeoutMs: o.timeoutS * 1000 });
  let roiAlign: RoiAlignBenchResult | { error: string } | undefined;
  if (o.roiAlign) {
    const backends: EngineBackendName[] = o.mode === 'quick' ? ['wasm'] : ['wasm', 'cpu'];
    roiAlign = await runRoiAlignWorker({ roiAlign: { backends, quick: o.mode === 'quick' } },
      (what, done, total) => line.update(`[roi-align] ${what} (${done}/${total})`), o.timeoutS * 1000);
    line.done(`[roi-align] ${'error' in roiAlign ? `FAILED ${roiAlign.error}` : 'done'}`);
  }
  return buildReport(results, inputs, { command, mode: o.mode, schedule, startedAt, roiAlign }, hw);
}
