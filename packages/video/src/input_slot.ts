/**
 * The network input of a stream of frames, reused from frame to frame. Each frame's 8-bit pixels
 * are prepared on the host (`preparePixelsInto` of @mrcnn/model: resize, channel order, padding,
 * NCHW, into one reused buffer) and written into the same im_data tensor in place where the
 * backend allows (`overwriteTensor` of @mrcnn/engine: cpu, wasm), so a stream of same-sized frames
 * allocates no tensor per frame. Elsewhere (webgl, webgpu), or when the frame size changes, a new tensor
 * replaces the old one.
 *
 * Ownership: the slot owns its tensor. The tensor `fill` returns may be read until the next
 * `fill` or `dispose`: a caller refills only after the detection on the previous frame settled.
 */
import * as tf from '@tensorflow/tfjs-core';
import { overwriteTensor } from '@mrcnn/engine';
import { inputGeometry, preparePixelsInto } from '@mrcnn/model';
import type { InputGeometry, PixelArray } from '@mrcnn/model';
import type { InputConfig, ResizePolicy } from '@mrcnn/schema';

export interface SlotInput {
  imData: tf.Tensor4D;
  geometry: InputGeometry;
}

export class FrameInputSlot {
  private tensor: tf.Tensor4D | undefined;
  /** Host buffer of im_data, refilled per frame; never handed to tfjs. */
  private buffer: Float32Array | undefined;
  private backend: string | undefined;
  /** Whether the current backend wrote in place (undefined: not tried yet). */
  private inPlace: boolean | undefined;
  /** Frames written into the existing tensor, and tensors made. */
  reused = 0;
  created = 0;

  constructor(private readonly input: InputConfig, private readonly policy: ResizePolicy) {}

  /** The network input for `pixels` (the slot's tensor, refilled, or a new one). */
  fill(pixels: PixelArray): SlotInput {
    const g = inputGeometry(pixels.height, pixels.width, this.policy, this.input);
    const shape: [number, number, number, number] = [1, 3, g.paddedHeight, g.paddedWidth];
    const backend = tf.getBackend();
    if (backend !== this.backend) {
      this.dropTensor();
      this.backend = backend;
      this.inPlace = undefined;
    }
    const t = this.tensor;
    if (t !== undefined && t.shape[2] === shape[2] && t.shape[3] === shape[3] && this.inPlace !== false) {
      const host = preparePixelsInto(pixels, this.policy, this.input, this.buffer);
      this.buffer = host.data;
      if (overwriteTensor(t, host.data)) {
        this.inPlace = true;
        this.reused++;
        return { imData: t, geometry: host.geometry };
      }
      this.inPlace = false;
      this.replace(tf.tensor4d(host.data.slice(), shape)); // the buffer stays the slot's
      return { imData: this.tensor as tf.Tensor4D, geometry: host.geometry };
    }
    // A new tensor from a fresh array (tfjs may keep the array it is given).
    const host = preparePixelsInto(pixels, this.policy, this.input);
    this.replace(tf.tensor4d(host.data, shape));
    return { imData: this.tensor as tf.Tensor4D, geometry: host.geometry };
  }

  private replace(t: tf.Tensor4D): void {
    this.dropTensor();
    this.tensor = t;
    this.created++;
  }

  private dropTensor(): void {
    this.tensor?.dispose();
    this.tensor = undefined;
  }

  /** Releases the tensor (idempotent); a later `fill` makes a new one. */
  dispose(): void {
    this.dropTensor();
    this.buffer = undefined;
  }
}
