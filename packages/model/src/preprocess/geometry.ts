/**
 * Sizes of the preprocessing: `InputGeometry` (every transform's), and the card transform's sizes as
 * the oracle computes them (tools/oracle/preprocess.py): scale by policy, resized size rounded half
 * up, padded size = max(minSize x maxSize, next multiple of padMultiple). The torchvision
 * transform's sizes: torchvision_transform.ts.
 */
import type { InputConfig, ResizePolicy } from '@mrcnn/schema';
import { ArgumentError } from '../errors';

export interface InputGeometry {
  /** Source image size. */
  originalHeight: number;
  originalWidth: number;
  /** Resize factor s (card: resized = round(original · s); torchvision: floor(original · s)). */
  scale: number;
  /** Size of the resized image inside im_data (= im_info[0..1]). */
  height: number;
  width: number;
  /** im_data spatial size (resized + bottom/right zero padding). */
  paddedHeight: number;
  paddedWidth: number;
}

/** `fit`: s = min(H/short, W/long); `window`: s = min(H/h0, W/w0), with H×W = minSize x maxSize. */
export function resizeScale(h0: number, w0: number, policy: ResizePolicy, targetH: number, targetW: number): number {
  if (policy === 'fit') return Math.min(targetH / Math.min(h0, w0), targetW / Math.max(h0, w0));
  if (policy === 'window') return Math.min(targetH / h0, targetW / w0);
  throw new ArgumentError('policy', `expected 'fit' or 'window', got ${JSON.stringify(policy)}`);
}

/** floor(x + 0.5), the oracle's rounding (Python's round() would round halves to even). */
export function roundHalfUp(x: number): number {
  return Math.floor(x + 0.5);
}

/** All sizes of the card transform's preprocessing of an h0×w0 image. */
export function cardGeometry(h0: number, w0: number, policy: ResizePolicy, input: InputConfig): InputGeometry {
  if (!Number.isInteger(h0) || !Number.isInteger(w0) || h0 < 1 || w0 < 1) {
    throw new ArgumentError('image', `size must be at least 1x1, got ${h0}x${w0}`);
  }
  const scale = resizeScale(h0, w0, policy, input.minSize, input.maxSize);
  const height = Math.max(1, roundHalfUp(h0 * scale));
  const width = Math.max(1, roundHalfUp(w0 * scale));
  const m = input.padMultiple;
  return {
    originalHeight: h0,
    originalWidth: w0,
    scale,
    height,
    width,
    paddedHeight: Math.max(input.minSize, Math.ceil(height / m) * m),
    paddedWidth: Math.max(input.maxSize, Math.ceil(width / m) * m),
  };
}
