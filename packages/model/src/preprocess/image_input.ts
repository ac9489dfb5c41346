/**
 * The image inputs `detect` accepts and their one dispatch (`toImageSource`): 8-bit RGB/RGBA
 * pixels (decoded files and bytes, pixel arrays) or an RGB tensor [H, W, 3] (int32 or float32,
 * values 0..255: the caller's tensor, or one read from a DOM source). DOM classes are looked up
 * when called, never at import time, so this module loads in Node and in workers.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, ImageDecodeError, ShapeMismatchError, shapeString } from '../errors';
import { decodeImage, DecodeOptions, readImageFile } from './decode';

/**
 * Raw pixels, row-major, 3 (RGB) or 4 (RGBA, alpha ignored) bytes per pixel; the channel count
 * follows from `data.length`. `ImageData` is one.
 */
export interface PixelArray {
  width: number;
  height: number;
  data: Uint8Array | Uint8ClampedArray;
}

/** Browser image sources read with `tf.browser.fromPixels` (browser only). */
export type DomImageSource = HTMLImageElement | HTMLCanvasElement | HTMLVideoElement | ImageBitmap;

/**
 * Accepted images:
 * - `tf.Tensor3D` [H, W, 3] RGB, int32 or float32 in 0..255 (borrowed, never disposed);
 * - `PixelArray` / `ImageData`: RGB or RGBA bytes;
 * - `HTMLImageElement`, `HTMLCanvasElement`, `HTMLVideoElement`, `ImageBitmap` (browser);
 * - `Uint8Array` / `ArrayBuffer`: encoded PNG or JPEG bytes;
 * - `string`: an http(s) URL of a PNG or JPEG (fetched, Node and browsers), or a file path (Node).
 */
export type ImageInput = tf.Tensor3D | PixelArray | DomImageSource | Uint8Array | ArrayBuffer | string;

/** An RGB tensor and whether its receiver must dispose it. */
export interface RgbTensor {
  rgb: tf.Tensor3D;
  /** True when created here (dispose it); false when it is the caller's own tensor. */
  owned: boolean;
}

function isDomSource(x: unknown): x is DomImageSource {
  const g = globalThis as Record<string, unknown>;
  const classes = ['HTMLImageElement', 'HTMLCanvasElement', 'HTMLVideoElement', 'ImageBitmap'];
  return classes.some((name) => {
    const ctor = g[name];
    return typeof ctor === 'function' && x instanceof ctor;
  });
}

function isPixelArray(x: unknown): x is PixelArray {
  if (typeof x !== 'object' || x === null) return false;
  const r = x as Partial<PixelArray>;
  return typeof r.width === 'number' && typeof r.height === 'number' &&
    (r.data instanceof Uint8Array || r.data instanceof Uint8ClampedArray);
}

/** Validates a caller's tensor: [H, W, 3], int32 or float32, H, W ≥ 1. */
export function checkRgbTensor(t: tf.Tensor, argument = 'image'): tf.Tensor3D {
  if (t.isDisposed) throw new ArgumentError(argument, 'tensor is disposed');
  if (t.rank !== 3 || t.shape[2] !== 3 || (t.shape[0] ?? 0) < 1 || (t.shape[1] ?? 0) < 1) {
    throw new ShapeMismatchError(argument, '[H, W, 3] RGB', shapeString(t.shape));
  }
  if (t.dtype !== 'int32' && t.dtype !== 'float32') {
    throw new ShapeMismatchError(argument, 'dtype int32 or float32', t.dtype);
  }
  return t as tf.Tensor3D;
}

/** Throws ArgumentError when a float tensor holds NaN or ±Infinity (one on-device reduction, one read). */
export async function assertFiniteTensor(t: tf.Tensor, argument: string): Promise<void> {
  if (t.dtype !== 'float32') return;
  const ok = tf.tidy(() => tf.all(tf.isFinite(t)));
  try {
    if ((await ok.data())[0] === 0) throw new ArgumentError(argument, 'contains NaN or Infinity');
  } finally {
    ok.dispose();
  }
}

/** 3 (RGB) or 4 (RGBA) bytes per pixel, from the data length; ArgumentError otherwise or below 1x1. */
export function pixelChannels(p: PixelArray, argument = 'image'): 3 | 4 {
  const { width, height, data } = p;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new ArgumentError(argument, `size must be at least 1x1 integers, got ${width}x${height}`);
  }
  const n = width * height;
  if (data.length === n * 3) return 3;
  if (data.length === n * 4) return 4;
  throw new ArgumentError(argument, `data has ${data.length} bytes, expected ${width}x${height}x3 (RGB) or x4 (RGBA)`);
}

/** Int32 RGB tensor from RGB or RGBA bytes (a full-resolution copy: prefer `preparePixels`). */
export function pixelsToTensor(p: PixelArray, argument = 'image'): tf.Tensor3D {
  const { width, height, data } = p;
  const channels = pixelChannels(p, argument);
  const n = width * height;
  const values = new Int32Array(n * 3);
  if (channels === 3) {
    values.set(data);
  } else {
    for (let i = 0, j = 0; i < n * 3; i += 3, j += 4) {
      values[i] = data[j];
      values[i + 1] = data[j + 1];
      values[i + 2] = data[j + 2];
    }
  }
  return tf.tensor3d(values, [height, width, 3], 'int32');
}

/** The bytes at an http(s) URL (the global fetch: Node 18+ and browsers); ImageDecodeError naming the URL otherwise. */
async function fetchImageBytes(url: string): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (cause) {
    throw new ImageDecodeError(url, `cannot fetch the image: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
  if (!res.ok) throw new ImageDecodeError(url, `cannot fetch the image: HTTP ${res.status} ${res.statusText}`.trimEnd());
  return new Uint8Array(await res.arrayBuffer());
}

/** An input as 8-bit pixels (files, bytes, pixel arrays) or as an RGB tensor (tensors, DOM sources). */
export type ImageSource = { kind: 'pixels'; pixels: PixelArray } | ({ kind: 'tensor' } & RgbTensor);

const PIXELS = (pixels: PixelArray): ImageSource => ({ kind: 'pixels', pixels });

/**
 * The one dispatch over the accepted input kinds: files and bytes are decoded to pixels, pixel
 * arrays checked and used as they are, tensors checked and borrowed, DOM sources read with
 * fromPixels (a tensor the caller owns).
 */
export async function toImageSource(image: ImageInput, options: DecodeOptions = {}): Promise<ImageSource> {
  if (image instanceof tf.Tensor) return { kind: 'tensor', rgb: checkRgbTensor(image), owned: false };
  if (typeof image === 'string') {
    if (/^https?:\/\//i.test(image)) return PIXELS(await decodeImage(await fetchImageBytes(image), image, options));
    if (typeof process === 'undefined' || typeof process.versions?.node !== 'string') {
      throw new ArgumentError('image', 'a file path needs Node; in the browser pass an http(s) URL, an HTMLImageElement, ImageBitmap or the encoded bytes');
    }
    return PIXELS(await readImageFile(image, options));
  }
  if (image instanceof ArrayBuffer) return PIXELS(await decodeImage(new Uint8Array(image), undefined, options));
  if (image instanceof Uint8Array) return PIXELS(await decodeImage(image, undefined, options));
  if (isPixelArray(image)) {
    pixelChannels(image);
    return PIXELS(image);
  }
  if (isDomSource(image)) {
    if ('naturalWidth' in image && (image.naturalWidth === 0 || !image.complete)) {
      throw new ArgumentError('image', 'the HTMLImageElement has not finished loading (await img.decode() first)');
    }
    return { kind: 'tensor', rgb: tf.browser.fromPixels(image, 3), owned: true };
  }
  throw new ArgumentError('image', 'expected a Tensor3D, ImageData/pixel array, DOM image source, encoded PNG/JPEG bytes or a file path');
}
