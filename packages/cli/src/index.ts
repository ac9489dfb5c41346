/**
 * @mrcnn/cli: the `mrcnn` command line (bin `mrcnn`, ./main) and its commands as a library:
 * `main(argv, io)` runs a command line and resolves to its exit code (0 ok, 1 runtime error,
 * 2 usage error); every command is a `Command` run through the one parser and exit-code
 * convention. See README.md.
 */
export { main, mainUsage, runCommand, COMMANDS, cliVersion } from './main';
export { formatUsage, exitCodesLine } from './usage';
export type { UsageSpec } from './usage';
export { categoryMapping } from './class_map';
export { EXIT_OK, EXIT_RUNTIME, EXIT_USAGE, UsageError } from './command';
export type { Command, CommandIO } from './command';
export { parseArgs, numberOption, optionalNumber, choiceOption, listOption, requiredOption } from './args';
export type { OptionSpec, OptionSpecs, ParsedArgs } from './args';
export { detectCommand } from './detect_command';
export { infoCommand } from './info_command';
export { videoCommand } from './video_command';
export { convertCommand, readLabels, formatSummary } from './convert_command';
export { evalCommand, evalUsage, runEvaluation } from './eval_command';
export type { EvalArgs, EvalRun } from './eval_command';
export { serveCommand } from './serve_command';
export { benchCommand } from './bench_command';
export { modelsCommand } from './models_command';
export { resolveModelOption, isModelName } from './model_option';
export { fetchLine, fetchProgressPrinter, formatBytes } from './fetch_progress';
export { BENCH_PACKAGE, benchHarnessAvailable, loadBenchHarness, CommandUnavailableError } from './bench_harness';
export type { BenchHarness, BenchReport, BenchRunOptions } from './bench_harness';
export { cocoResults, categoryIdOf, imageIdOf } from './coco_results';
export type { ResultConvention } from './coco_results';
export { readModelFile } from './model_file';
export { enqueueCommand } from './enqueue_command';
export { workerCommand } from './worker_command';
export { statusCommand, formatStatus } from './status_command';
export { collectCommand } from './collect_command';
export { listImages, listDirImages, globRegExp, IMAGE_EXT } from './image_inputs';
export type { ImageList, ListedImage } from './image_inputs';
export { parseShard, shardOf, inShard } from './shard';
export type { Shard } from './shard';
export { ThreadPool, runPool, FatalWorkerError } from './pool';
export type { JobOutcome } from './pool';
export type { DetectRunSpec } from './queue_run';
export type { ModelFile } from './model_file';
