/** Runs the planned subjects one after the other, with a progress line, and collects a report. */
import * as fs from 'fs';
import * as os from 'os';
import { CHROMIUM } from '../../test/browser/chromium';
import { analyze, Analysis } from './analysis';
import { runInterleaved } from './interleave';
import type { RoiAlignBenchResult } from './roi_align_step';
import { hasOnnx, onnxFile } from './subjects/ort';
import { hasPyTorch, runNodeSubject, runPyTorchSubject } from './spawn_subject';
import { BenchInputs, SubjectResult, SubjectSpec } from './types';

export interface MachineInfo {
  host: string;
  cpu: string;
  cores: number;
  memGiB: number;
  node: string;
  platform: string;
  loadAvg: number[];
}

export interface BenchReport {
  format: 'mrcnn-bench/1';
  date: string;
  command: string;
  mode: string;
  /** 'interleaved' (round-robin timed runs) or 'sequential'. */
  schedule: 'interleaved' | 'sequential';
  machine: MachineInfo;
  inputs: BenchInputs & { inputHeight: number; inputWidth: number };
  subjects: SubjectResult[];
  analysis: Analysis;
  /** The RoIAlign micro-benchmark of the engine, when run. */
  roiAlign?: RoiAlignBenchResult | { error: string };
  wallSeconds: number;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    host: os.hostname(), cpu: cpus[0]?.model ?? 'unknown', cores: cpus.length,
    memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.arch()}`,
    loadAvg: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

export interface ProgressLine { update(text: string): void; done(text: string): void }

/** Why a subject cannot run here (undefined = it can). */
export async function unavailable(spec: SubjectSpec, inputs: BenchInputs, torchOk: () => Promise<boolean>): Promise<string | undefined> {
  if ((spec.kind === 'ort-node' || spec.kind === 'ort-web') && !hasOnnx(inputs)) {
    return `skipped: no ${onnxFile(inputs)} in ${inputs.oracleDir} (npm run oracle${inputs.workload === 'torchvision' ? '; torchvision\'s export needs python3-torch' : ''})`;
  }
  if (spec.kind === 'browser' && (inputs.workload ?? '0049') !== '0049') return 'skipped: the browser subjects run the 0049 workload only';
  if (spec.kind === 'pytorch' && !(await torchOk())) return 'skipped: /usr/bin/python3 with torch (python3-torch) not found';
  if (spec.kind === 'browser' && !fs.existsSync(CHROMIUM)) return `skipped: ${CHROMIUM} not found (apt-get install -y chromium)`;
  return undefined;
}

/** Caches the (slow) python3-torch probe. */
function torchProbe(): () => Promise<boolean> {
  let torch: Promise<boolean> | undefined;
  return () => (torch ??= hasPyTorch());
}

/** Interleaved (default): subjects loaded side by side, timed runs round-robin. */
export function runAllInterleaved(specs: readonly SubjectSpec[], inputs: BenchInputs, line: ProgressLine,
  opts: { timeoutMs: number }): Promise<SubjectResult[]> {
  const torchOk = torchProbe();
  return runInterleaved(specs, inputs, line, { timeoutMs: opts.timeoutMs, skip: (s) => unavailable(s, inputs, torchOk) });
}

/** Sequential: one subject after the other, each in a fresh process that exits when done. */
export async function runAll(specs: readonly SubjectSpec[], inputs: BenchInputs, line: ProgressLine,
  opts: { timeoutMs: number }): Promise<SubjectResult[]> {
  const torchOk = torchProbe();
  const results: SubjectResult[] = [];
  const t0 = Date.now();
  for (const [i, spec] of specs.entries()) {
    const head = `[${i + 1}/${specs.length}] ${spec.id}`;
    const why = await unavailable(spec, inputs, torchOk);
    if (why !== undefined) {
      results.push({ spec, ok: false, error: why });
      line.done(`${head}: ${why}`);
      continue;
    }
    const onProgress = (what: string, done: number, total: number): void => {
      line.update(`${head}: ${what} (${done}/${total}) · ${Math.round((Date.now() - t0) / 1000)} s elapsed`);
    };
    onProgress('starting', 0, 1);
    const r = spec.kind === 'pytorch'
      ? await runPyTorchSubject(spec, inputs, onProgress, opts.timeoutMs)
      : await runNodeSubject(spec, inputs, onProgress, opts.timeoutMs);
    results.push(r);
    if (r.ok && r.runs) {
      const ms = r.runs.map((x) => x.ms).sort((a, b) => a - b);
      const med = ms[ms.length >> 1] ?? NaN;
      line.done(`${head}: ~${(med / 1000).toFixed(2)} s/run, cold ${(((r.loadMs ?? 0) + (r.firstRunMs ?? 0)) / 1000).toFixed(1)} s, `
        + `detections ${r.counts?.map((c) => c.detections).join('/')}, RoIs ${r.counts?.map((c) => c.rois ?? '?').join('/')}`);
    } else {
      line.done(`${head}: FAILED ${r.error ?? ''}`);
    }
  }
  return results;
}

export function buildReport(results: SubjectResult[], inputs: BenchInputs, meta: { command: string; mode: string; schedule: 'interleaved' | 'sequential'; roiAlign?: RoiAlignBenchResult | { error: string }; startedAt: number },
  inputHw: [number, number]): BenchReport {
  return {
    format: 'mrcnn-bench/1',
    date: new Date(meta.startedAt).toISOString(),
    command: meta.command,
    mode: meta.mode,
    schedule: meta.schedule,
    machine: machineInfo(),
    inputs: { ...inputs, inputHeight: inputHw[0], inputWidth: inputHw[1] },
    subjects: results,
    analysis: analyze(results, inputs.widthDiv, inputHw[0], inputHw[1], inputs.images, inputs.workload),
    roiAlign: meta.roiAlign,
    wallSeconds: Math.round((Date.now() - meta.startedAt) / 1000),
  };
}
