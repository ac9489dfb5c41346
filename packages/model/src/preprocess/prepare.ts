/**
 * The card transform's network input from an RGB image: resize (float bilinear, half-pixel centres,
 * no antialias: the oracle's torch `interpolate(..., align_corners=False)`), channel order of the
 * config (BGR for 0049), zero padding at the bottom/right to minSize x maxSize or the next multiple
 * of `padMultiple` beyond it, NCHW; im_info = [resized h, resized w, s]. The mean is not subtracted
 * (the network does that). Every transform: transform/image_transform.ts; `preprocess()` of any
 * image: transform/preprocess.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { InputConfig, ResizePolicy } from '@mrcnn/schema';
import { ArgumentError } from '../errors';
import { cardGeometry, InputGeometry } from './geometry';
import { checkRgbTensor, PixelArray, pixelChannels } from './image_input';
import { resizeBilinearHalfPixel, resizePixelsBilinear, resizePixelsToPlanes } from './resize';

export interface PreparedInput {
  /** [1, 3, paddedHeight, paddedWidth] float32, channels in `input.channelOrder`. */
  imData: tf.Tensor4D;
  /** [1, 3] float32: resized height, resized width, scale. */
  imInfo: tf.Tensor2D;
  geometry: InputGeometry;
}

/** Channel order, bottom/right zero padding, NCHW of a resized RGB image (disposed here). */
function finish(resized: tf.Tensor3D, g: InputGeometry, input: InputConfig): PreparedInput {
  const imData = tf.tidy(() => {
    let x: tf.Tensor3D = resized;
    if (input.channelOrder === 'BGR') x = tf.reverse(x, 2);
    x = tf.pad(x, [[0, g.paddedHeight - g.height], [0, g.paddedWidth - g.width], [0, 0]]);
    return tf.expandDims(tf.transpose(x, [2, 0, 1]), 0) as tf.Tensor4D;
  });
  resized.dispose();
  const imInfo = tf.tensor2d([[g.height, g.width, g.scale]], [1, 3], 'float32');
  return { imData, imInfo, geometry: g };
}

/** The card transform only (ArgumentError naming `input.transform` otherwise). */
function cardOnly(input: InputConfig, what: string): void {
  if (input.transform !== 'card') {
    throw new ArgumentError('input.transform', `${what} implements the card transform; for ${JSON.stringify(input.transform)} use preprocess() or detect()`);
  }
}

/**
 * The card transform of an RGB tensor [H, W, 3] (int32 or float32 0..255; borrowed). The returned
 * tensors belong to the caller. Reads the full-resolution image once (the resize), allocates
 * nothing at full resolution; synchronous, no read-back.
 */
export function prepareRgbTensor(rgb: tf.Tensor3D, policy: ResizePolicy, input: InputConfig): PreparedInput {
  cardOnly(input, 'prepareRgbTensor');
  checkRgbTensor(rgb);
  const [h0, w0] = rgb.shape;
  const g = cardGeometry(h0, w0, policy, input);
  return finish(resizeBilinearHalfPixel(rgb, g.height, g.width), g, input);
}

/**
 * Preprocesses 8-bit RGB/RGBA pixels (decoded files, ImageData): the resize runs in JS on the
 * bytes, so no full-resolution tensor is ever made; the result equals `prepareRgbTensor`'s.
 */
export function preparePixels(p: PixelArray, policy: ResizePolicy, input: InputConfig): PreparedInput {
  cardOnly(input, 'preparePixels');
  const channels = pixelChannels(p);
  const g = cardGeometry(p.height, p.width, policy, input);
  const resized = resizePixelsBilinear(p.data, p.height, p.width, channels, g.height, g.width);
  return finish(tf.tensor3d(resized, [g.height, g.width, 3], 'float32'), g, input);
}


/** The network input of `preparePixelsInto`, on the host: im_data's values and the sizes. */
export interface HostPreparedInput {
  /** im_data [1, 3, paddedHeight, paddedWidth] row-major (NCHW), channels in `input.channelOrder`. */
  data: Float32Array;
  geometry: InputGeometry;
}

/** `out` when it holds `size` values (reused: the caller's buffer), else a new zeroed array. */
export function hostBuffer(size: number, out?: Float32Array): Float32Array {
  return out !== undefined && out.length === size ? out : new Float32Array(size);
}

/**
 * The card transform's `preparePixels` computed on the host, written into `out` when it has im_data's size (a buffer
 * reused from frame to frame: only the image and, where the padding moved, the padding are
 * written), else into a new array. The values equal `preparePixels`'s imData bit for bit; no
 * tensor is made. For callers that keep a network input tensor and refill it (video frames,
 * `overwriteTensor` of @mrcnn/engine). Every transform's: `preparePixelsInto` (transform/preprocess.ts).
 */
export function preparePixelsIntoCard(p: PixelArray, policy: ResizePolicy, input: InputConfig, out?: Float32Array): HostPreparedInput {
  const channels = pixelChannels(p);
  const g = cardGeometry(p.height, p.width, policy, input);
  const data = hostBuffer(3 * g.paddedHeight * g.paddedWidth, out);
  const order: [number, number, number] = input.channelOrder === 'BGR' ? [2, 1, 0] : [0, 1, 2];
  resizePixelsToPlanes(p.data, p.height, p.width, channels, g.height, g.width, data, g.paddedHeight, g.paddedWidth, order);
  if (g.height < g.paddedHeight || g.width < g.paddedWidth) {
    const plane = g.paddedHeight * g.paddedWidth;
    for (let k = 0; k < 3; k++) {
      for (let y = 0; y < g.height; y++) data.fill(0, k * plane + y * g.paddedWidth + g.width, k * plane + (y + 1) * g.paddedWidth);
      data.fill(0, k * plane + g.height * g.paddedWidth, (k + 1) * plane);
    }
  }
  return { data, geometry: g };
}
