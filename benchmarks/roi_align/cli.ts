/**
 * `node benchmarks/roi_align/run.mjs [--quick] [--backends cpu,wasm] [--threads N] [--channels C]
 * [--out DIR] [--name STEM]`: runs the RoIAlign micro-benchmark and writes
 * DIR/STEM.{json,md} (default benchmarks/results/roi_align.{json,md}).
 */
import * as fs from 'fs';
import * as path from 'path';
import { backendEntry, registeredBackendNames } from '@mrcnn/engine';
import { roiAlignBenchMarkdown, RoiAlignBenchBackend, runRoiAlignBench } from './index';

export class RoiAlignCliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RoiAlignCliError';
  }
}

function isBackend(s: string): s is RoiAlignBenchBackend {
  return backendEntry(s) !== undefined;
}

interface CliArgs {
  quick: boolean; backends: RoiAlignBenchBackend[]; threads?: number; channels?: number; outDir: string; name: string;
}

export function parseArgs(argv: readonly string[], defaultOutDir: string): CliArgs {
  const args: CliArgs = { quick: false, backends: ['cpu', 'wasm'], outDir: defaultOutDir, name: 'roi_align' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new RoiAlignCliError(`${a} needs a value`);
      return v;
    };
    if (a === '--quick') args.quick = true;
    else if (a === '--backends') {
      const list = value().split(',');
      const bad = list.filter((b) => !isBackend(b));
      if (bad.length > 0) throw new RoiAlignCliError(`--backends: unknown ${bad.join(', ')} (known: ${registeredBackendNames().join(', ')})`);
      args.backends = list.filter(isBackend);
    } else if (a === '--threads') args.threads = Number(value());
    else if (a === '--channels') args.channels = Number(value());
    else if (a === '--out') args.outDir = value();
    else if (a === '--name') {
      args.name = value();
      if (!/^[\w.-]+$/.test(args.name)) throw new RoiAlignCliError(`--name: a file stem, got ${args.name}`);
    }
    else throw new RoiAlignCliError(`unknown argument ${a}`);
  }
  return args;
}

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '..', '..', '..');
  const args = parseArgs(process.argv.slice(2), path.join(root, 'benchmarks', 'results'));
  let last = '';
  const result = await runRoiAlignBench({
    backends: args.backends, quick: args.quick, threads: args.threads, channels: args.channels,
    onProgress: (what, done, total) => {
      const line = `${what} ${done}/${total}`;
      if (line !== last) process.stderr.write(`\r${line}   `);
      last = line;
    },
  });
  process.stderr.write('\n');
  const command = `node benchmarks/roi_align/run.mjs ${process.argv.slice(2).join(' ')}`.trim();
  fs.mkdirSync(args.outDir, { recursive: true });
  fs.writeFileSync(path.join(args.outDir, `${args.name}.json`), `${JSON.stringify({ ...result, command }, null, 1)}\n`);
  const md = roiAlignBenchMarkdown(result, command);
  fs.writeFileSync(path.join(args.outDir, `${args.name}.md`), md);
  process.stdout.write(md);
}

main().then(() => process.exit(0), (e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(e instanceof RoiAlignCliError ? 2 : 1);
});
