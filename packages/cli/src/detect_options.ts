/**
 * The detection options `mrcnn detect` and `mrcnn enqueue` share (--model, --backend, --score,
 * --policy, --min-size/--max-size, --max-detections, --out), read one way for both, so a queued run is configured as a
 * local one is and its results agree with it.
 */
import { registeredBackends, runsIn } from '@mrcnn/engine';
import type { BackendName } from '@mrcnn/model';
import { choiceOption, numberOption, optionalNumber, ParsedArgs } from './args';
import type { OptionSpecs } from './args';
import type { ResultConvention } from './coco_results';
import type { CommandIO } from './command';
import type { DetectSettings } from './job';
import { checkInputSize, INPUT_SIZE_OPTION_LINES, INPUT_SIZE_OPTIONS, inputSizeArgs } from './input_size';
import { ModelFile, readModelFile } from './model_file';
import { resolveModelOption } from './model_option';

/** The registered backends that run in Node (the worker threads'). */
export function nodeBackends(): BackendName[] {
  return registeredBackends().filter((e) => runsIn(e, 'node')).map((e) => e.name);
}

export const DETECT_OPTION_SPECS: OptionSpecs = {
  model: { type: 'string' }, backend: { type: 'string' }, out: { type: 'string', short: 'o' }, score: { type: 'string' },
  policy: { type: 'string' }, 'max-detections': { type: 'string' }, ...INPUT_SIZE_OPTIONS,
};

/** `--help` entries of the shared options (formatUsage's `[flags, text]`). */
export const DETECT_OPTION_LINES: ReadonlyArray<readonly [string, string]> = [
  ['--model <dir|name>', 'a model directory or model.json, or a model name (mrcnn models:\nfetched, verified and converted into the cache on first use);\ndefault: the embedded default model'],
  [`--backend ${nodeBackends().join('|')}`, 'tfjs backend (default wasm)'],
  ['-o, --out <dir>', 'output directory (default mrcnn-output)'],
  ['--score <0..1>', "minimum score (default: the model's own; 0.3 for the embedded one)"],
  ['--policy fit|window', "resize policy (default: the model's, fit; torchvision's models: fit only)"],
  ...INPUT_SIZE_OPTION_LINES,
  ['--max-detections <n>', 'at most n instances per image (default 100)'],
];

export interface DetectOptions {
  modelFile: ModelFile;
  backend: BackendName;
  settings: DetectSettings;
  outDir: string;
  convention: ResultConvention;
}

/** The options of `args`; a model name is fetched into the cache first (progress on io.stderr unless --quiet). */
export async function readDetectOptions(args: ParsedArgs, io: CommandIO): Promise<DetectOptions> {
  const backend = choiceOption<BackendName>(args, 'backend', nodeBackends(), 'wasm');
  const scoreOpt = optionalNumber(args, 'score', 0, 1);
  const maxDetections = numberOption(args, 'max-detections', 100, 0, 100000, true);
  const outDir = args.values.out ?? 'mrcnn-output';
  const modelFile = readModelFile(await resolveModelOption(args.values.model, io, args.flags.quiet === true));
  const policy = choiceOption(args, 'policy', ['fit', 'window'] as const, modelFile.config.input.resizePolicy);
  const score = scoreOpt ?? modelFile.config.detection.defaultScoreThreshold;
  const sizes = inputSizeArgs(args);
  checkInputSize(modelFile.config, sizes, policy);
  return {
    modelFile,
    backend,
    settings: { scoreThreshold: score, policy, maxDetections, ...sizes },
    outDir,
    convention: { numClasses: modelFile.config.numClasses, plusOne: modelFile.config.detection.boxPlusOne },
  };
}
