/**
 * The pixel-size limits every decoder runs behind (Node's pngjs / jpeg-js and the browser's own
 * decoder alike): the size an image declares in its header is read first, and an image declaring
 * more than MAX_DECODED_PIXELS, or (PNG) more scanline bytes than its compressed data could
 * inflate to, is refused with an ImageDecodeError before anything is allocated for it.
 * Pure byte parsing: no decoder, no allocation proportional to the declared size.
 */
import { ImageDecodeError } from '../errors';

/** Largest image decoded, in pixels (jpeg-js's default maxResolutionInMP, applied to every format). */
export const MAX_DECODED_PIXELS = 100_000_000;

/** Samples per pixel of each PNG colour type. */
const PNG_CHANNELS: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
/** Deflate cannot expand a stream by more than ~1032:1 (checked for images over 64 MiB of scanlines). */
const MAX_DEFLATE_RATIO = 1032;

/**
 * Refuses a PNG any of whose IHDR chunks (pngjs honours a repeated one) declares more than
 * MAX_DECODED_PIXELS, or more scanline bytes than its IDAT data could inflate to: a 75-byte file
 * may declare 20000x20000 or 2x33554434 pixels, which a decoder would allocate and fill.
 */
export function checkPngSize(bytes: Uint8Array, source: string): void {
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

/** Start-of-frame markers (SOF0..SOF15 without DHT 0xC4, JPG 0xC8 and DAC 0xCC). */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** The width and height of a JPEG's first start-of-frame segment, or undefined when there is none before the scan. */
export function jpegFrameSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  let pos = 2;
  while (pos + 4 <= bytes.length) {
    if (bytes[pos] !== 0xff) return undefined;
    const marker = bytes[pos + 1];
    if (marker === 0xff) { pos += 1; continue; }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) { pos += 2; continue; }
    if (marker === 0xda || marker === 0xd9) return undefined;
    const len = (bytes[pos + 2] << 8) | bytes[pos + 3];
    if (isStartOfFrame(marker)) {
      if (pos + 9 > bytes.length) return undefined;
      return { height: (bytes[pos + 5] << 8) | bytes[pos + 6], width: (bytes[pos + 7] << 8) | bytes[pos + 8] };
    }
    pos += 2 + len;
  }
  return undefined;
}

/** Refuses a JPEG whose frame header declares more than MAX_DECODED_PIXELS. */
export function checkJpegSize(bytes: Uint8Array, source: string): void {
  const size = jpegFrameSize(bytes);
  if (size !== undefined && size.width * size.height > MAX_DECODED_PIXELS) {
    throw new ImageDecodeError(source, `JPEG declares ${size.width}x${size.height} pixels, over the ${MAX_DECODED_PIXELS}-pixel limit`);
  }
}
