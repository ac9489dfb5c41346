/**
 * The detection options `mrcnn detect` and `mrcnn enqueue` share (--model, --backend, --score,
 * --policy, --min-size/--max-size, --max-detections, --out), read one way for both, so a queued run is configured as a
 * local one is and its results agree with it.
 */
import { registeredBackends, runsIn } from '@mrcnn/engine';
import { defaultModelPath } from '@mrcnn/model';
import type { BackendName } from '@mrcnn/model';
import { choiceOption, numberOption, ParsedArgs } from './args';
import type { OptionSpecs } from './args';
import type { ResultConvention } from './coco_results';
import type { DetectSettings } from './job';
import { checkInputSize, INPUT_SIZE_OPTIONS, inputSizeArgs, inputSizeUsage } from './input_size';
import { ModelFile, readModelFile } from './model_file';

/** The registered backends that run in Node (the worker threads'). */
export function nodeBackends(): BackendName[] {
  return registeredBackends().filter((e) => runsIn(e, 'node')).map((e) => e.name);
}

export const DETECT_OPTION_SPECS: OptionSpecs = {
  model: { type: 'string' }, backend: { type: 'string' }, out: { type: 'string' }, score: { type: 'string' },
  policy: { type: 'string' }, 'max-detections': { type: 'string' }, ...INPUT_SIZE_OPTIONS,
};

/** `--help` lines of the shared options. */
export function detectOptionsUsage(): string {
  return `  --model <dir|model.json>   model to use (default: the embedded default model)
  --backend ${nodeBackends().join('|').padEnd(16)} tfjs backend (default wasm)
  --out <dir>                output directory (default mrcnn-output)
  --score <0..1>             minimum score (default 0.5)
  --policy fit|window        resize policy (default: the model's, fit; torchvision's models: fit only)
${inputSizeUsage(29)}
  --max-detections <n>       at most n instances per image (default 100)
`;
}

export interface DetectOptions {
  modelFile: ModelFile;
  backend: BackendName;
  settings: DetectSettings;
  outDir: string;
  convention: ResultConvention;
}

export function readDetectOptions(args: ParsedArgs): DetectOptions {
  const backend = choiceOption<BackendName>(args, 'backend', nodeBackends(), 'wasm');
  const score = numberOption(args, 'score', 0.5, 0, 1);
  const maxDetections = numberOption(args, 'max-detections', 100, 0, 100000, true);
  const outDir = args.values.out ?? 'mrcnn-output';
  const modelFile = readModelFile(args.values.model ?? defaultModelPath());
  const policy = choiceOption(args, 'policy', ['fit', 'window'] as const, modelFile.config.input.resizePolicy);
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
