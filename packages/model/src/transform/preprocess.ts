/** `preprocess()`: any accepted image through its model's transform (`input.transform`) to the network's input. */
import type { InputConfig, ResizePolicy } from '@mrcnn/schema';
import type { DecodeOptions } from '../preprocess/decode';
import { ImageInput, toImageSource } from '../preprocess/image_input';
import type { HostPreparedInput, PreparedInput } from '../preprocess/prepare';
import type { PixelArray } from '../preprocess/image_input';
import { imageTransform } from './image_transform';

export interface PreprocessOptions extends DecodeOptions {
  /** Resize policy (default: the config's `input.resizePolicy`). */
  policy?: ResizePolicy;
}

/** Decodes/reads any accepted image and preprocesses it; outputs belong to the caller. */
export async function preprocess(image: ImageInput, input: InputConfig, options: PreprocessOptions = {}): Promise<PreparedInput> {
  const policy = options.policy ?? input.resizePolicy;
  const transform = imageTransform(input);
  const src = await toImageSource(image, options);
  if (src.kind === 'pixels') return transform.preparePixels(src.pixels, policy, input);
  try {
    return await transform.prepareTensor(src.rgb, policy, input);
  } finally {
    if (src.owned) src.rgb.dispose();
  }
}

/**
 * 8-bit pixels through the model's transform to im_data on the host, written into `out` when it has
 * im_data's size (a buffer reused from frame to frame), else into a new array: the values of
 * `preprocess`'s imData bit for bit, no tensor made. For callers that keep a network input tensor and
 * refill it (video frames, `overwriteTensor` of @mrcnn/engine), then run `Model.detectPrepared`.
 */
export function preparePixelsInto(p: PixelArray, policy: ResizePolicy, input: InputConfig, out?: Float32Array): HostPreparedInput {
  return imageTransform(input).preparePixelsInto(p, policy, input, out);
}
