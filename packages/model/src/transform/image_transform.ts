/**
 * The image transforms, one per `InputConfig.transform` of @mrcnn/schema: each is the pair that
 * torchvision's GeneralizedRCNNTransform is — the image to the network's input (`prepare*`) and
 * the network's boxes and masks back to the image (`originalBox`, `pasteMask`). `detect` runs the
 * transform its model's config names; a new transform is one entry in `TRANSFORMS`.
 *
 * Ownership: images are borrowed; the tensors of a `PreparedInput` belong to the caller.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { InputConfig, InputTransform, ResizePolicy } from '@mrcnn/schema';
import type { PlacedMask } from '../postprocess/rle';
import type { InputGeometry } from '../preprocess/geometry';
import type { PixelArray } from '../preprocess/image_input';
import type { HostPreparedInput, PreparedInput } from '../preprocess/prepare';
import { CARD_TRANSFORM } from './card';
import { TORCHVISION_TRANSFORM } from './torchvision';

export interface ImageTransform {
  /** The sizes of the preprocessing of an h0 x w0 image (ArgumentError for a policy the transform lacks). */
  geometry(h0: number, w0: number, policy: ResizePolicy, input: InputConfig): InputGeometry;
  /** 8-bit RGB/RGBA pixels → im_data, im_info (resized on the host, no full-resolution tensor). */
  preparePixels(pixels: PixelArray, policy: ResizePolicy, input: InputConfig): PreparedInput;
  /** `preparePixels`'s im_data on the host, written into `out` when it has the size (a reused buffer); no tensor. */
  preparePixelsInto(pixels: PixelArray, policy: ResizePolicy, input: InputConfig, out?: Float32Array): HostPreparedInput;
  /** An RGB tensor [H, W, 3] (borrowed) → im_data, im_info; NaN/±Inf refused (ArgumentError 'image'); one read-back. */
  prepareTensor(rgb: tf.Tensor3D, policy: ResizePolicy, input: InputConfig): Promise<PreparedInput>;
  /** Row `row` of the network's boxes [n·4] (processed-image pixels) in original-image pixels. */
  originalBox(boxes: ArrayLike<number>, row: number, geometry: InputGeometry): [number, number, number, number];
  /**
   * One M x M probability map pasted into the original image at `box` (original pixels), > threshold:
   * the whole image (x = y = 0), or with `crop` only the rectangle where it can be non-zero.
   */
  pasteMask(heatmap: ArrayLike<number>, m: number, box: ArrayLike<number>, geometry: InputGeometry, threshold: number,
    crop?: boolean): PlacedMask;
}

const TRANSFORMS: Readonly<Record<InputTransform, ImageTransform>> = {
  card: CARD_TRANSFORM,
  torchvision: TORCHVISION_TRANSFORM,
};

/** The transform `input` names. */
export function imageTransform(input: InputConfig): ImageTransform {
  return TRANSFORMS[input.transform];
}

/** All sizes of the preprocessing of an h0 x w0 image under `input`'s transform and `policy`. */
export function inputGeometry(h0: number, w0: number, policy: ResizePolicy, input: InputConfig): InputGeometry {
  return imageTransform(input).geometry(h0, w0, policy, input);
}
