/**
 * Decoding of encoded PNG/JPEG bytes and image files to RGB uint8 pixels (pure JS: pngjs and
 * jpeg-js, loaded on first use; files via `fs`, Node only).
 *
 * PNG: 1/2/4/8/16-bit grey, grey+alpha, RGB, RGBA and palette images. Alpha is dropped (not
 * composited), as PIL's `convert('RGB')` does; 16-bit samples are scaled to 8 bits with rounding
 * (PIL keeps the high byte, so 16-bit PNGs may differ from PIL by one level); pixels matching a
 * tRNS transparent colour decode as black (pngjs). JPEG: baseline and progressive, grey, YCbCr,
 * CMYK; the EXIF orientation is applied unless `exifOrientation: false` (PIL does not apply it).
 */
import { ImageDecodeError } from '../errors';
import { applyOrientation, jpegOrientation } from './exif';

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

/** Largest image decoded, in pixels (jpeg-js's default maxResolutionInMP, applied to PNG too). */
export const MAX_DECODED_PIXELS = 100_000_000;

/** Samples per pixel of each PNG colour type. */
const PNG_CHANNELS: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
/** Deflate cannot expand a stream by more than ~1032:1 (checked for images over 64 MiB of scanlines). */
const MAX_DEFLATE_RATIO = 1032;

/**
 * Refuses a PNG any of whose IHDR chunks (pngjs honours a repeated one) declares more than
 * MAX_DECODED_PIXELS, or more scanline bytes than its IDAT data could inflate to: a 75-byte file
 * may declare 20000x20000 or 2x33554434 pixels, which pngjs would allocate and fill.
 */
function checkPngSize(bytes: Uint8Array, source: string): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headers: Array<[number, number, number]> = [];
  let idatBytes = 0;
  for (let at = 8; at + 8 <= bytes.length; at += 12 + view.getUint32(at)) {
    const type = view.getUint32(at + 4);
    if (type === 0x49444154) idatBytes += view.getUint32(at); // 'IDAT'
    if (type !== 0x49484452 || at + 18 > bytes.length) continue; // 'IHDR'
    headers.push([view.getUint32(at + 8), view.getUint32(at + 12), bytes[at + 16] * (PNG_CHANNELS[bytes[at + 17]] ?? 1)]);
  }
  for (const [w, h, bitsPerPixel] of headers) {
    if (w * h > MAX_DECODED_PIXELS) throw new ImageDecodeError(source, `PNG declares ${w}x${h} pixels, over the ${MAX_DECODED_PIXELS}-pixel limit`);
    const raw = h * (1 + Math.ceil((w * bitsPerPixel) / 8));
    if (raw > 2 ** 26 && raw > MAX_DEFLATE_RATIO * idatBytes) {
      throw new ImageDecodeError(source, `PNG declares ${w}x${h} pixels (${raw} scanline bytes), more than its ${idatBytes} bytes of image data can hold`);
    }
  }
}

async function decodePng(bytes: Uint8Array, source: string): Promise<RgbImage> {
  checkPngSize(bytes, source);
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

/** Decodes PNG or JPEG bytes; `source` names them in errors. */
export async function decodeImage(bytes: Uint8Array, source = '<image bytes>', options: DecodeOptions = {}): Promise<RgbImage> {
  const format = sniffFormat(bytes);
  if (format === 'png') return decodePng(bytes, source);
  if (format === 'jpeg') return decodeJpeg(bytes, source, options);
  throw new ImageDecodeError(source, 'not a PNG or JPEG image (unknown signature)');
}

/** Reads and decodes an image file (Node only). */
export async function readImageFile(filePath: string, options: DecodeOptions = {}): Promise<RgbImage> {
  const fs = await import('fs');
  let bytes: Uint8Array;
  try {
    bytes = await fs.promises.readFile(filePath);
  } catch (cause) {
    throw new ImageDecodeError(filePath, 'cannot read the image file', { cause });
  }
  return decodeImage(bytes, filePath, options);
}
