/**
 * PNG and JPEG decoding in browsers and web workers through the platform's own decoder:
 * `createImageBitmap` on the bytes (no colour-space conversion, alpha not premultiplied), drawn
 * on an OffscreenCanvas (a document canvas where there is none) and read back once with
 * getImageData. The caller (decode.ts) has already checked the declared size against the limits.
 *
 * What differs from the Node decoders (pngjs, jpeg-js), measured in test/browser/decode_bytes.test.ts:
 * a JPEG's pixels come from the browser's JPEG decoder (Chromium: at most 3 levels from jpeg-js,
 * mean 0.5-0.6); an opaque PNG's are exact (16-bit: within one level); a canvas stores
 * premultiplied alpha, so the colour of a semi-transparent pixel is rounded (one level at alpha
 * 128) and that of a fully transparent one reads as black. Ownership: the ImageBitmap and the canvas are released before
 * this returns; the result is a new array.
 */
import { ImageDecodeError } from '../errors';
import type { ImageFormat, RgbImage } from './decode';

const MIME: Readonly<Record<ImageFormat, string>> = { png: 'image/png', jpeg: 'image/jpeg' };
const NAME: Readonly<Record<ImageFormat, string>> = { png: 'PNG', jpeg: 'JPEG' };

type Context2D = OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D;

/** Whether this environment decodes images itself (browsers and their workers). */
export function platformDecodes(): boolean {
  return typeof createImageBitmap === 'function' && typeof Blob === 'function'
    && (typeof OffscreenCanvas === 'function' || typeof document !== 'undefined');
}

function context2d(width: number, height: number): Context2D | null {
  const settings: CanvasRenderingContext2DSettings = { willReadFrequently: true };
  if (typeof OffscreenCanvas === 'function') return new OffscreenCanvas(width, height).getContext('2d', settings);
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  return canvas.getContext('2d', settings);
}

/** RGB of RGBA bytes (alpha dropped, the pixel's stored colour kept). */
function rgbOf(rgba: Uint8ClampedArray, pixels: number): Uint8Array {
  const out = new Uint8Array(pixels * 3);
  for (let i = 0, j = 0; i < pixels * 3; i += 3, j += 4) {
    out[i] = rgba[j];
    out[i + 1] = rgba[j + 1];
    out[i + 2] = rgba[j + 2];
  }
  return out;
}

/**
 * Decodes `bytes` of a known format with the platform's decoder; `exifOrientation` false keeps a
 * JPEG's stored pixel order (createImageBitmap's imageOrientation 'none').
 */
export async function decodeWithPlatform(bytes: Uint8Array, format: ImageFormat, source: string, exifOrientation: boolean): Promise<RgbImage> {
  // A copy: the Blob must not alias a buffer the caller may change or that is shared.
  const blob = new Blob([bytes.slice()], { type: MIME[format] });
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, {
      colorSpaceConversion: 'none', premultiplyAlpha: 'none', imageOrientation: exifOrientation ? 'from-image' : 'none',
    });
  } catch (cause) {
    const why = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    throw new ImageDecodeError(source, `invalid ${NAME[format]}: the browser cannot decode it (${why})`, { cause });
  }
  try {
    const { width, height } = bitmap;
    const ctx = context2d(width, height);
    if (ctx === null) throw new ImageDecodeError(source, `no 2d canvas context to read the decoded ${width}x${height} ${NAME[format]}`);
    ctx.drawImage(bitmap, 0, 0);
    return { width, height, data: rgbOf(ctx.getImageData(0, 0, width, height).data, width * height) };
  } finally {
    bitmap.close();
  }
}
