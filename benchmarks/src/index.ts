/**
 * `runBenchCommand(argv, io)`: the `mrcnn bench` command (also `npm run bench`). Plans the
 * subjects, runs each in its own process with a progress line, writes
 * benchmarks/results/<date>-<host>[-quick].{json,md,svg} and prints the markdown table.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { EngineBackendName } from '@mrcnn/engine';
import { BenchOptions, BenchUsageError, parseBenchArgs, USAGE } from './args';
import { readImageInput, resolveInputs, RESULTS_DIR } from './inputs';
import { ensureTfjsModel } from './subjects/tfjs_model';
import { renderMarkdown } from './report/markdown';
import { renderSvg } from './report/svg';
import { buildReport, BenchReport, ProgressLine, runAll, runAllInterleaved } from './run_all';
import type { RoiAlignBenchResult } from './roi_align_step';
import { runRoiAlignWorker } from './spawn_subject';
import { planSubjects } from './subjects/registry';

export interface BenchIO {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown; isTTY?: boolean };
}

export { parseBenchArgs, USAGE } from './args';
export type { BenchOptions } from './args';
export type { BenchReport } from './run_all';

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

export async function runBench(o: BenchOptions, io: BenchIO, command: string): Promise<BenchReport> {
  const startedAt = Date.now();
  const inputs = resolveInputs({ oracleDir: o.oracleDir, images: o.images, limit: o.images ? undefined : o.mode === 'quick' ? 1 : undefined });
  const specs = planSubjects({ mode: o.mode, only: o.subjects, runs: o.runs, warmup: o.warmup });
  const first = readImageInput(inputs, inputs.images[0]);
  const hw: [number, number] = [first.imDataShape[2], first.imDataShape[3]];
  io.stderr.write(`bench (${o.mode}, ${o.sequential ? 'sequential' : 'interleaved'}): ${specs.length} subjects, weights K=${inputs.widthDiv} from ${path.relative(process.cwd(), inputs.oracleDir) || '.'}, `
    + `images ${inputs.images.join(', ')} at ${hw[0]}x${hw[1]}, ${os.cpus().length} cores\n`);
  if (inputs.widthDiv !== 1) io.stderr.write('note: full-size weights missing (npm run oracle makes .cache/oracle/k1); timing the K=8 fixtures\n');
  if (specs.some((s) => s.kind === 'tfjs')) {
    const json = await ensureTfjsModel(inputs, (l) => io.stderr.write(`${l}\n`));
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

export async function runBenchCommand(argv: readonly string[], io: BenchIO = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let o: BenchOptions;
  try {
    o = parseBenchArgs(argv);
  } catch (e) {
    if (e instanceof BenchUsageError) {
      io.stderr.write(`mrcnn bench: ${e.message}\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  if (o.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  try {
    const report = await runBench(o, io, ['npm run bench --', ...argv].join(' '));
    io.stdout.write(renderMarkdown(report));
    if (o.write) {
      const files = writeReport(report, o.outDir ?? RESULTS_DIR);
      io.stderr.write(`wrote ${files.map((f) => path.relative(process.cwd(), f)).join(', ')}\n`);
    }
    return report.subjects.some((s) => s.ok) ? 0 : 1;
  } catch (e) {
    io.stderr.write(`mrcnn bench: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
