/** Command-line options of `mrcnn bench` / `npm run bench`. */
import { Mode, SUBJECT_IDS } from './subjects/registry';

export interface BenchOptions {
  mode: Mode;
  subjects?: string[];
  runs?: number;
  warmup?: number;
  images?: string[];
  oracleDir?: string;
  outDir?: string;
  write: boolean;
  timeoutS: number;
  /** Run the engine's RoIAlign micro-benchmark after the subjects. */
  roiAlign: boolean;
  /** One subject after the other instead of interleaved rounds. */
  sequential: boolean;
  help: boolean;
}

export class BenchUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BenchUsageError';
  }
}

export const USAGE = `usage: mrcnn bench [--quick | --full] [options]

Times this project (tfjs wasm/cpu) against onnxruntime-node, onnxruntime-web and the PyTorch
oracle on the same weights and images; writes benchmarks/results/<date>-<host>[-quick].{json,md,svg}.

  --quick              tfjs wasm, onnxruntime, PyTorch; 1 warm-up + 3 runs, one image (≤ 5 min)
  --full               every subject (adds tfjs cpu, wasm without SIMD, 1-thread peers); 2 + 6 runs, all images (default)
  --subjects a,b       only these subjects: ${SUBJECT_IDS.join(', ')}
  --runs N             timed runs per subject
  --warmup N           warm-up runs after the first (cold) run
  --images a_fit,b_fit golden stems whose im_data feed the subjects
  --oracle-dir DIR     oracle folder (default .cache/oracle/k1 when present, else test/fixtures/oracle-k8)
  --out DIR            results folder (default benchmarks/results)
  --no-write           print the table only
  --sequential         one subject after the other (default: all loaded, timed runs round-robin so
                       a noisy machine's load falls on every subject alike; needs the memory of all)
  --no-roi-align       skip the engine's RoIAlign micro-benchmark (wasm; cpu too in --full)
  --timeout-s N        per-subject time limit (default 900)
`;

function intArg(flag: string, v: string | undefined, min: number): number {
  const n = Number(v);
  if (v === undefined || !Number.isInteger(n) || n < min) throw new BenchUsageError(`${flag} needs an integer ≥ ${min}, got ${String(v)}`);
  return n;
}

function listArg(flag: string, v: string | undefined): string[] {
  const items = (v ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (items.length === 0) throw new BenchUsageError(`${flag} needs a comma-separated list`);
  return items;
}

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const o: BenchOptions = { mode: 'full', write: true, timeoutS: 900, roiAlign: true, sequential: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case '--quick': o.mode = 'quick'; break;
      case '--full': o.mode = 'full'; break;
      case '--subjects': o.subjects = listArg(flag, value()); break;
      case '--runs': o.runs = intArg(flag, value(), 1); break;
      case '--warmup': o.warmup = intArg(flag, value(), 0); break;
      case '--images': o.images = listArg(flag, value()); break;
      case '--oracle-dir': o.oracleDir = value(); break;
      case '--out': o.outDir = value(); break;
      case '--no-write': o.write = false; break;
      case '--no-roi-align': o.roiAlign = false; break;
      case '--sequential': o.sequential = true; break;
      case '--timeout-s': o.timeoutS = intArg(flag, value(), 1); break;
      case '-h': case '--help': o.help = true; break;
      default: throw new BenchUsageError(`unknown option ${a}`);
    }
  }
  if (o.subjects) {
    const unknown = o.subjects.filter((s) => !SUBJECT_IDS.includes(s));
    if (unknown.length > 0) throw new BenchUsageError(`unknown subject(s) ${unknown.join(', ')}; known: ${SUBJECT_IDS.join(', ')}`);
  }
  return o;
}
