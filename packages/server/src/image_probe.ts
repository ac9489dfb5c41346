/**
 * The format and declared size of encoded image bytes, read from their headers without decoding,
 * so the server refuses a decompression bomb (a small file declaring 10000x10000 pixels) before a
 * worker allocates anything. PNG: every IHDR chunk (pngjs honours a repeated one); JPEG: every
 * frame header (SOFn) in the marker stream. The largest declared size counts.
 */

export interface ImageHeader {
  format: 'png' | 'jpeg';
  /** The largest declared size; undefined when no header declaring one was found (truncated). */
  width?: number;
  height?: number;
}

function isPng(b: Uint8Array): boolean {
  return b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47 &&
    b[4] === 0x0d && b[5] === 0x0a && b[6] === 0x1a && b[7] === 0x0a;
}

function isJpeg(b: Uint8Array): boolean {
  return b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
}

function keepLarger(h: ImageHeader, width: number, height: number): void {
  if (h.width === undefined || width * height > h.width * (h.height ?? 0)) {
    h.width = width;
    h.height = height;
  }
}

function probePng(b: Uint8Array): ImageHeader {
  const h: ImageHeader = { format: 'png' };
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let at = 8; at + 8 <= b.length;) {
    const length = view.getUint32(at);
    if (view.getUint32(at + 4) === 0x49484452 && at + 16 <= b.length) keepLarger(h, view.getUint32(at + 8), view.getUint32(at + 12)); // 'IHDR'
    at += 12 + length;
  }
  return h;
}

/** SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC). */
function isFrameHeader(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

function probeJpeg(b: Uint8Array): ImageHeader {
  const h: ImageHeader = { format: 'jpeg' };
  let at = 2;
  while (at + 4 <= b.length) {
    if (b[at] !== 0xff) {
      at++; // entropy-coded data: look for the next marker
      continue;
    }
    const marker = b[at + 1];
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker === 0x00 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      at += 2; // stuffed byte, TEM, RSTn, SOI: no length
      continue;
    }
    if (marker === 0xd9) break; // EOI
    const length = (b[at + 2] << 8) | b[at + 3];
    if (isFrameHeader(marker) && at + 9 <= b.length) keepLarger(h, (b[at + 7] << 8) | b[at + 8], (b[at + 5] << 8) | b[at + 6]);
    at += 2 + Math.max(length, 2);
  }
  return h;
}

/** The image's format and declared size; undefined when the bytes are not a PNG or a JPEG. */
export function probeImage(bytes: Uint8Array): ImageHeader | undefined {
  if (isPng(bytes)) return probePng(bytes);
  if (isJpeg(bytes)) return probeJpeg(bytes);
  return undefined;
}
