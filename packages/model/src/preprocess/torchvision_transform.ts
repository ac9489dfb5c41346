/**
 * torchvision 0.14's GeneralizedRCNNTransform (eval) on the host, bit for bit
 * (torchvision/models/detection/transform.py):
 * 1. the 0..255 image as float32 `v / 255` (torchvision's to_tensor), normalised
 *    float32((x − mean) / std) with `mean`/`std` as float32 (`normalize`);
 * 2. resized (`_resize_image_and_masks`): scale = min(minSize · (1/short), maxSize · (1/long)) in
 *    float32 (torch divides a number by a tensor as reciprocal-then-multiply), size =
 *    floor(x · scale) in float64 (400x600 at 320/480 → 319x479), then torch's bilinear interpolation
 *    to that size (torch_bilinear.ts) of the normalised planes;
 * 3. zero padded at the bottom/right to multiples of `padMultiple` (`batch_images`, size_divisible).
 * The result is `im_data` [1, 3, Hp, Wp] float32 in `channelOrder` (what torchvision's backbone
 * gets) and im_info [resized h, resized w, scale]. 8-bit pixels are normalised through a 256-entry
 * table per channel, so no full-resolution copy is made; a tensor image is read back once.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { InputConfig } from '@mrcnn/schema';
import { ArgumentError } from '../errors';
import type { InputGeometry } from './geometry';
import { checkRgbTensor, PixelArray, pixelChannels } from './image_input';
import { hostBuffer } from './prepare';
import type { HostPreparedInput, PreparedInput } from './prepare';
import { PlaneReader, torchBilinearPlane, torchLinearTaps } from './torch_bilinear';

const f32 = Math.fround;

/** The sizes of GeneralizedRCNNTransform for an h0 x w0 image (its float32 scale, floor, padding). */
export function torchvisionGeometry(h0: number, w0: number, input: InputConfig): InputGeometry {
  if (!Number.isInteger(h0) || !Number.isInteger(w0) || h0 < 1 || w0 < 1) {
    throw new ArgumentError('image', `size must be at least 1x1, got ${h0}x${w0}`);
  }
  const short = Math.min(h0, w0);
  const long = Math.max(h0, w0);
  const scale = Math.min(f32(f32(1 / short) * input.minSize), f32(f32(1 / long) * input.maxSize));
  // torch would fail on a 0-pixel side (a very thin image); one pixel is the nearest meaningful size.
  const height = Math.max(1, Math.floor(h0 * scale));
  const width = Math.max(1, Math.floor(w0 * scale));
  const m = input.padMultiple;
  return {
    originalHeight: h0,
    originalWidth: w0,
    scale,
    height,
    width,
    paddedHeight: Math.ceil(height / m) * m,
    paddedWidth: Math.ceil(width / m) * m,
  };
}

/** Normalised value of an 8-bit level `v` in channel `c`: float32((float32(v / 255) − mean) / std). */
function normalized(v: number, mean: number, std: number): number {
  return f32(f32(f32(v / 255) - mean) / std);
}

/**
 * im_data [1, 3, paddedHeight, paddedWidth] (NCHW, zero padded) from a source of h0 x w0 pixels
 * whose channel `c` (RGB order) is read by `reader(c)`, already normalised for that channel.
 */
function imDataOf(g: InputGeometry, input: InputConfig, reader: (rgbChannel: number, outChannel: number) => PlaneReader,
  reuse?: Float32Array): Float32Array {
  const { height, width, paddedHeight: hp, paddedWidth: wp } = g;
  const out = hostBuffer(3 * hp * wp, reuse);
  if (out === reuse) out.fill(0); // the padding of a reused buffer
  const th = torchLinearTaps(g.originalHeight, height);
  const tw = torchLinearTaps(g.originalWidth, width);
  for (let c = 0; c < 3; c++) {
    const src = input.channelOrder === 'BGR' ? 2 - c : c;
    torchBilinearPlane(reader(src, c), th, tw, out, { y0: 0, y1: height, x0: 0, x1: width, offset: c * hp * wp, stride: wp });
  }
  return out;
}

function prepared(imData: Float32Array, g: InputGeometry): PreparedInput {
  return {
    imData: tf.tensor4d(imData, [1, 3, g.paddedHeight, g.paddedWidth], 'float32'),
    imInfo: tf.tensor2d([[g.height, g.width, g.scale]], [1, 3], 'float32'),
    geometry: g,
  };
}

/** 8-bit RGB/RGBA pixels (decoded files, ImageData) → im_data and im_info (the caller owns both). */
export function prepareTorchvisionPixels(p: PixelArray, input: InputConfig): PreparedInput {
  const { data, geometry } = prepareTorchvisionPixelsInto(p, input);
  return prepared(data, geometry);
}

/** The same im_data on the host, written into `out` when it has im_data's size (a reused buffer), else a new array. */
export function prepareTorchvisionPixelsInto(p: PixelArray, input: InputConfig, out?: Float32Array): HostPreparedInput {
  const channels = pixelChannels(p);
  const g = torchvisionGeometry(p.height, p.width, input);
  const { data, width: w0 } = p;
  const imData = imDataOf(g, input, (src, c) => {
    const table = new Float32Array(256);
    for (let v = 0; v < 256; v++) table[v] = normalized(v, f32(input.mean[c]), f32(input.std[c]));
    return (y, x) => table[data[(y * w0 + x) * channels + src]];
  }, out);
  return { data: imData, geometry: g };
}

/**
 * An RGB tensor [H, W, 3] (int32 or float32 0..255; borrowed) → im_data and im_info: its values are
 * read back once (the transform runs on the host), NaN/±Inf refused (ArgumentError 'image').
 */
export async function prepareTorchvisionTensor(rgb: tf.Tensor3D, input: InputConfig): Promise<PreparedInput> {
  checkRgbTensor(rgb);
  const [h0, w0] = rgb.shape;
  const values = await rgb.data();
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new ArgumentError('image', 'contains NaN or Infinity');
  }
  const g = torchvisionGeometry(h0, w0, input);
  const imData = imDataOf(g, input, (src, c) => {
    const mean = f32(input.mean[c]);
    const std = f32(input.std[c]);
    return (y, x) => normalized(values[(y * w0 + x) * 3 + src], mean, std);
  });
  return prepared(imData, g);
}
