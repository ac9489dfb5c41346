/**
 * What `mrcnn bench` needs from @mrcnn/benchmarks, the repository's private harness package.
 * The harness depends on the model, never on this package, so it is resolved by name when the
 * command runs (never at build time): where it is not installed (an `npm i @mrcnn/cli` outside
 * the repository) or not built, `bench` is left out of `mrcnn --help` and says why when called.
 */
import { MrcnnError } from '@mrcnn/schema';
import type { CommandIO } from './command';

export const BENCH_PACKAGE = '@mrcnn/benchmarks';

/** The harness's run options (its `BenchRunOptions`). */
export interface BenchRunOptions {
  mode: 'quick' | 'full';
  /** The network timed: '0049' (default) or 'torchvision' (maskrcnn_resnet50_fpn at 800/1333). */
  workload?: '0049' | 'torchvision';
  subjects?: string[];
  runs?: number;
  warmup?: number;
  images?: string[];
  oracleDir?: string;
  /** Per-subject time limit in seconds. */
  timeoutS: number;
  /** Run the engine's RoIAlign micro-benchmark after the subjects. */
  roiAlign: boolean;
  /** One subject after the other instead of interleaved rounds. */
  sequential: boolean;
}

/** The part of the harness's report the command reads (the rest goes to the harness's writers). */
export interface BenchReport {
  subjects: ReadonlyArray<{ ok: boolean }>;
}

/** The harness API (@mrcnn/benchmarks' index). */
export interface BenchHarness {
  SUBJECT_IDS: readonly string[];
  RESULTS_DIR: string;
  runBench(options: BenchRunOptions, io: CommandIO, command: string): Promise<BenchReport>;
  renderMarkdown(report: BenchReport): string;
  writeReport(report: BenchReport, outDir: string): string[];
}

/** A command whose package is not installed or not built. */
export class CommandUnavailableError extends MrcnnError {}

// A variable id keeps tsc and bundlers from resolving the optional package at build time.
const requireOptional: NodeRequire = require;

/** Whether the harness package resolves here (installed and built). */
export function benchHarnessAvailable(): boolean {
  try {
    requireOptional.resolve(BENCH_PACKAGE);
    return true;
  } catch {
    return false;
  }
}

/** Loads the harness; CommandUnavailableError when it is absent or lacks part of the API. */
export function loadBenchHarness(): BenchHarness {
  let mod: Record<string, unknown>;
  try {
    mod = requireOptional(BENCH_PACKAGE) as Record<string, unknown>;
  } catch (e) {
    if ((e as { code?: string }).code !== 'MODULE_NOT_FOUND') throw e;
    throw new CommandUnavailableError(`'bench' is not available: ${BENCH_PACKAGE} is not installed or not built `
      + '(it is a private package of the mrcnn repository: npm run build there)', { cause: e });
  }
  const missing = ['runBench', 'renderMarkdown', 'writeReport'].filter((f) => typeof mod[f] !== 'function');
  if (!Array.isArray(mod.SUBJECT_IDS) || typeof mod.RESULTS_DIR !== 'string') missing.push('SUBJECT_IDS/RESULTS_DIR');
  if (missing.length > 0) throw new CommandUnavailableError(`'bench' is not available: ${BENCH_PACKAGE} lacks ${missing.join(', ')}`);
  return mod as unknown as BenchHarness;
}
