/**
 * Command-line options of `mrcnn bench` (also `npm run bench`), read with the one parser into
 * the harness's run options plus what the command itself does with the report.
 */
import { choiceOption, listOption, optionalNumber, ParsedArgs } from './args';
import type { BenchRunOptions } from './bench_harness';
import { UsageError } from './command';
import { formatUsage } from './usage';
import type { OptionSpecs } from './args';

export interface BenchOptions extends BenchRunOptions {
  /** Results folder (default: the harness's benchmarks/results). */
  outDir?: string;
  /** Write the JSON, markdown and SVG (false: print the table only). */
  write: boolean;
}

export const BENCH_OPTIONS: OptionSpecs = {
  quick: { type: 'boolean' }, full: { type: 'boolean' }, subjects: { type: 'string' }, runs: { type: 'string' },
  warmup: { type: 'string' }, images: { type: 'string' }, 'oracle-dir': { type: 'string' }, out: { type: 'string' },
  'no-write': { type: 'boolean' }, sequential: { type: 'boolean' }, 'no-roi-align': { type: 'boolean' }, 'timeout-s': { type: 'string' },
  workload: { type: 'string' },
};

export function benchUsage(subjectIds: readonly string[]): string {
  return formatUsage({
    name: 'bench',
    synopsis: '[--quick | --full] [options]',
    description: `Times this project (tfjs wasm/cpu) against onnxruntime-node, onnxruntime-web and the PyTorch
oracle on the same weights and images; writes benchmarks/results/<date>-<host>[-quick].{json,md,svg}.`,
    options: [
      ['--quick', 'tfjs wasm, onnxruntime, PyTorch; 1 warm-up + 3 runs, one image (≤ 5 min)'],
      ['--full', 'every subject (adds tfjs cpu, wasm without SIMD, 1-thread peers); 2 + 6 runs,\nall images (default)'],
      ['--workload W', "the network timed: 0049 (default: the card's network at 320x480, its ONNX\nexport for onnxruntime) or torchvision (torchvision's maskrcnn_resnet50_fpn with\nseeded weights at its default input, min 800 / max 1333 — e.g. 800x1216 — the\nsame checkpoint converted for tfjs and exported to ONNX by torchvision for\nonnxruntime-node/-web, run by torchvision for PyTorch; images landscape,\nsquare, portrait, crop; browser subjects skipped)"],
      ['--subjects a,b', `only these subjects: ${subjectIds.join(', ')}`],
      ['--runs N', 'timed runs per subject'],
      ['--warmup N', 'warm-up runs after the first (cold) run'],
      ['--images a_fit,b_fit', 'golden stems whose im_data feed the subjects (torchvision: landscape,square,...)'],
      ['--oracle-dir DIR', "oracle folder of the 0049 workload (default .cache/oracle/k1 when present, else\ntest/fixtures/oracle-k8); torchvision: .cache/oracle/k1/torchvision's weights\nwhen present, else the K=8 fixtures"],
      ['--out DIR', 'results folder (default benchmarks/results)'],
      ['--no-write', 'print the table only'],
      ['--sequential', "one subject after the other (default: all loaded, timed runs round-robin so\na noisy machine's load falls on every subject alike; needs the memory of all)"],
      ['--no-roi-align', "skip the engine's RoIAlign micro-benchmark (wasm; cpu too in --full)"],
      ['--timeout-s N', 'per-subject time limit (default 900)'],
    ],
    exit: { ok: 'at least one subject ran', runtime: 'none did, or the harness failed' },
  });
}

/** The options of a `mrcnn bench` command line; `subjectIds` are the harness's known subjects. */
export function benchOptions(args: ParsedArgs, subjectIds: readonly string[]): BenchOptions {
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument ${args.positionals[0]}`);
  if (args.flags.quick && args.flags.full) throw new UsageError('--quick and --full exclude each other');
  const subjects = listOption(args, 'subjects');
  const unknown = (subjects ?? []).filter((s) => !subjectIds.includes(s));
  if (unknown.length > 0) throw new UsageError(`unknown subject(s) ${unknown.join(', ')}; known: ${subjectIds.join(', ')}`);
  const o: BenchOptions = {
    mode: args.flags.quick ? 'quick' : 'full',
    write: !args.flags['no-write'],
    timeoutS: optionalNumber(args, 'timeout-s', 1, 7 * 24 * 3600, true) ?? 900,
    roiAlign: !args.flags['no-roi-align'],
    sequential: args.flags.sequential === true,
  };
  const workload = choiceOption(args, 'workload', ['0049', 'torchvision'] as const);
  if (workload !== undefined) o.workload = workload;
  if (workload === 'torchvision' && args.values['oracle-dir'] !== undefined) throw new UsageError('--oracle-dir applies to the 0049 workload only');
  const runs = optionalNumber(args, 'runs', 1, 1e6, true);
  const warmup = optionalNumber(args, 'warmup', 0, 1e6, true);
  const images = listOption(args, 'images');
  if (subjects !== undefined) o.subjects = subjects;
  if (runs !== undefined) o.runs = runs;
  if (warmup !== undefined) o.warmup = warmup;
  if (images !== undefined) o.images = images;
  if (args.values['oracle-dir'] !== undefined) o.oracleDir = args.values['oracle-dir'];
  if (args.values.out !== undefined) o.outDir = args.values.out;
  return o;
}
