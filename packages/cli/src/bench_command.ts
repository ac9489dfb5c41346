/**
 * `mrcnn bench [--quick | --full] [options]` (also `npm run bench`): the harness of
 * @mrcnn/benchmarks (./bench_harness) plans the subjects and runs each in its own process; this
 * prints the markdown table and writes benchmarks/results/<date>-<host>[-quick].{json,md,svg}.
 */
import * as path from 'path';
import type { ParsedArgs } from './args';
import { BENCH_OPTIONS, benchOptions, benchUsage } from './bench_args';
import { benchHarnessAvailable, loadBenchHarness } from './bench_harness';
import { Command, CommandIO, EXIT_OK, EXIT_RUNTIME } from './command';

async function runBenchCommand(args: ParsedArgs, io: CommandIO): Promise<number> {
  const harness = loadBenchHarness();
  const o = benchOptions(args, harness.SUBJECT_IDS);
  const report = await harness.runBench(o, io, ['mrcnn bench', ...args.argv].join(' '));
  io.stdout.write(harness.renderMarkdown(report));
  if (o.write) {
    const files = harness.writeReport(report, o.outDir ?? harness.RESULTS_DIR);
    io.stderr.write(`wrote ${files.map((f) => path.relative(process.cwd(), f)).join(', ')}\n`);
  }
  return report.subjects.some((s) => s.ok) ? EXIT_OK : EXIT_RUNTIME;
}

export const benchCommand: Command = {
  name: 'bench',
  synopsis: '[--quick | --full] ...',
  summary: 'benchmarks by backend and stage (inside the repository: @mrcnn/benchmarks)',
  options: BENCH_OPTIONS,
  usage: () => benchUsage(loadBenchHarness().SUBJECT_IDS),
  run: runBenchCommand,
  available: benchHarnessAvailable,
};
