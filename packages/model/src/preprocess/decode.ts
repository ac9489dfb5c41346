/**
 * Decoding of encoded PNG/JPEG bytes and image files to RGB uint8 pixels. In Node: pure JS
 * (pngjs and jpeg-js, loaded on first use; files via `fs`). In browsers and web workers: the
 * platform's own decoder (decode_platform.ts). Either way the size an image declares is checked
 * first against the limits of image_limits.ts.
 *
 * PNG: 1/2/4/8/16-bit grey, grey+alpha, RGB, RGBA and palette images. Alpha is dropped (not
 * composited), as PIL's `convert('RGB')` does; 16-bit samples are scaled to 8 bits with rounding
 * (PIL keeps the high byte, so 16-bit PNGs may differ from PIL by one level); pixels matching a
 * tRNS transparent colour decode as black (pngjs). JPEG: baseline and progressive, grey, YCbCr,
 * CMYK; the EXIF orientation is applied unless `exifOrientation: false` (PIL does not apply it).
 */
import { ImageDecodeError } from '../errors';
import { applyOrientation, jpegOrientation } from './exif';
import { checkJpegSize, checkPngSize } from './image_limits';
import { decodeWithPlatform, platformDecodes } from './decode_platform';

export { MAX_DECODED_PIXELS } from './image_limits';

/** Interleaved RGB pixels, row-major: `data[(y * width + x) * 3 + c]`. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export type ImageFormat = 'png' | 'jpeg';

export interface DecodeOptions {
  /** Rotate/flip JPEGs as their EXIF orientation says (default true). */
  exifOrientation?: boolean;
}

/** The format from the first bytes, or undefined. */
export function sniffFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return undefined;
}

/** Keeps the first three of every `channels` bytes. */
export function dropToRgb(data: Uint8Array, pixels: number, channels: number): Uint8Array {
  if (channels === 3) return data;
  const out = new Uint8Array(pixels * 3);
  for (let i = 0, j = 0; i < pixels; i++, j += channels) {
    out[i * 3] = data[j];
    out[i * 3 + 1] = data[j + 1];
    out[i * 3 + 2] = data[j + 2];
  }
  return out;
}

function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

async function decodePng(bytes: Uint8Array, source: string): Promise<RgbImage> {
  const { PNG } = await import('pngjs');
  let png: { width: number; height: number; data: Uint8Array };
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (cause) {
    throw new ImageDecodeError(source, `invalid PNG: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
  return { width: png.width, height: png.height, data: dropToRgb(png.data, png.width * png.height, 4) };
}

async function decodeJpeg(bytes: Uint8Array, source: string, options: DecodeOptions): Promise<RgbImage> {
  const jpeg = await import('jpeg-js');
  let img: { width: number; height: number; data: Uint8Array };
  try {
    img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, tolerantDecoding: false });
  } catch (cause) {
    throw new ImageDecodeError(source, `invalid JPEG: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
  if (img.data.length !== img.width * img.height * 3) {
    throw new ImageDecodeError(source, `JPEG decoder returned ${img.data.length} bytes for ${img.width}x${img.height} RGB`);
  }
  const orientation = options.exifOrientation === false ? 1 : jpegOrientation(bytes);
  return applyOrientation(img.data, img.width, img.height, 3, orientation);
}

/**
 * Decodes PNG or JPEG bytes (Node: pngjs / jpeg-js; browsers and workers: the platform's decoder);
 * `source` names them in errors.
 */
export async function decodeImage(bytes: Uint8Array, source = '<image bytes>', options: DecodeOptions = {}): Promise<RgbImage> {
  const format = sniffFormat(bytes);
  if (format === undefined) throw new ImageDecodeError(source, 'not a PNG or JPEG image (unknown signature)');
  if (format === 'png') checkPngSize(bytes, source);
  else checkJpegSize(bytes, source);
  if (!isNode() && platformDecodes()) return decodeWithPlatform(bytes, format, source, options.exifOrientation !== false);
  return format === 'png' ? decodePng(bytes, source) : decodeJpeg(bytes, source, options);
}

/** Why a file read failed, in words ("no such file", "permission denied", ...), from Node's error code. */
export function readFailure(cause: unknown): string {
  const code = typeof cause === 'object' && cause !== null ? (cause as { code?: unknown }).code : undefined;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory, not a file';
  return cause instanceof Error ? cause.message : String(cause);
}

/** Reads and decodes an image file (Node only). */
export async function readImageFile(filePath: string, options: DecodeOptions = {}): Promise<RgbImage> {
  const fs = await import('fs');
  let bytes: Uint8Array;
  try {
    bytes = await fs.promises.readFile(filePath);
  } catch (cause) {
    throw new ImageDecodeError(filePath, `cannot read the image file: ${readFailure(cause)}`, { cause });
  }
  return decodeImage(bytes, filePath, options);
}
