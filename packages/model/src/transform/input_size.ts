/**
 * The input size as an option (`load`, `detect`, the CLI's --min-size/--max-size): minSize/maxSize
 * merged into a config's `input` and checked by @mrcnn/schema's validation (the card transform
 * needs multiples of padMultiple, torchvision any positive integer).
 */
import { ConfigError, DeepPartial, InputConfig, ModelConfig, resolveConfig } from '@mrcnn/schema';
import { ArgumentError } from '../errors';

export interface InputSizeOptions {
  /** Target of the shorter side (card: im_data's minimum height, 320; torchvision: 800). */
  minSize?: number;
  /** Limit of the longer side (card: im_data's minimum width, 480; torchvision: 1333). */
  maxSize?: number;
}

/** The overrides `options` make (empty when neither size is given). */
export function inputSizeOverrides(options: InputSizeOptions): DeepPartial<ModelConfig> {
  const input: { minSize?: number; maxSize?: number } = {};
  if (options.minSize !== undefined) input.minSize = options.minSize;
  if (options.maxSize !== undefined) input.maxSize = options.maxSize;
  return Object.keys(input).length === 0 ? {} : { input };
}

/**
 * `config.input` with the sizes of `options`, validated; ArgumentError naming `${argument}.minSize`
 * or `.maxSize` when the transform cannot take them.
 */
export function inputWithSize(config: ModelConfig, options: InputSizeOptions, argument = 'options'): InputConfig {
  const over = inputSizeOverrides(options);
  if (over.input === undefined) return config.input;
  try {
    return resolveConfig(over, config).input;
  } catch (e) {
    if (e instanceof ConfigError) throw new ArgumentError(`${argument}.${e.path.replace(/^input\./, '')}`, e.message, { cause: e });
    throw e;
  }
}
