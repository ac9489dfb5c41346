/**
 * `--min-size` / `--max-size`: the input size of every command that runs a model (detect, eval),
 * checked against the model's transform before any image is read (a usage error: the card
 * transform, 0049's, needs multiples of its padMultiple; torchvision's takes any positive size and
 * has one resize policy).
 */
import { ConfigError, resolveConfig } from '@mrcnn/schema';
import type { ModelConfig, ResizePolicy } from '@mrcnn/schema';
import type { InputSizeOptions } from '@mrcnn/model';
import { optionalNumber, OptionSpecs, ParsedArgs } from './args';
import { UsageError } from './command';

export const INPUT_SIZE_OPTIONS: OptionSpecs = { 'min-size': { type: 'string' }, 'max-size': { type: 'string' } };

/** The two options' `--help` entries (formatUsage's `[flags, text]`). */
export const INPUT_SIZE_OPTION_LINES: ReadonlyArray<readonly [string, string]> = [
  ['--min-size <n>', "input size: target of the shorter side (default: the model's, 320 for\n0049, 800 for torchvision's models)"],
  ['--max-size <n>', "input size: limit of the longer side (default: the model's, 480 / 1333)"],
];

/** The sizes given (integers in [1, 16384]); absent ones stay undefined (the model's). */
export function inputSizeArgs(args: ParsedArgs): InputSizeOptions {
  const out: InputSizeOptions = {};
  const min = optionalNumber(args, 'min-size', 1, 16384, true);
  const max = optionalNumber(args, 'max-size', 1, 16384, true);
  if (min !== undefined) out.minSize = min;
  if (max !== undefined) out.maxSize = max;
  return out;
}

/** UsageError when `config`'s transform cannot take these sizes or this policy. */
export function checkInputSize(config: ModelConfig, sizes: InputSizeOptions, policy?: ResizePolicy): void {
  try {
    resolveConfig({ input: { ...sizes, ...(policy !== undefined ? { resizePolicy: policy } : {}) } }, config);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const option = e.path === 'input.minSize' ? '--min-size' : e.path === 'input.maxSize' ? '--max-size' : '--policy';
    throw new UsageError(`${option}: ${e.message} (model ${config.name}, ${config.input.transform} transform)`);
  }
}
