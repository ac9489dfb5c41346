/**
 * EXIF orientation of JPEG files (tag 0x0112 of IFD0) and the pixel transform that shows the
 * image upright, as browsers do for `<img>` and `createImageBitmap` by default.
 */

/** The orientation stored in a JPEG's APP1 Exif segment, 1 (upright) when absent or unreadable. */
export function jpegOrientation(bytes: Uint8Array): number {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return 1;
  let pos = 2;
  while (pos + 4 <= bytes.length) {
    if (bytes[pos] !== 0xff) return 1;
    const marker = bytes[pos + 1];
    if (marker === 0xff) { pos += 1; continue; }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) { pos += 2; continue; }
    if (marker === 0xda || marker === 0xd9) return 1;
    const len = (bytes[pos + 2] << 8) | bytes[pos + 3];
    const start = pos + 4;
    const end = Math.min(bytes.length, pos + 2 + len);
    if (marker === 0xe1 && end - start > 14 && bytes[start] === 0x45 && bytes[start + 1] === 0x78 &&
        bytes[start + 2] === 0x69 && bytes[start + 3] === 0x66 && bytes[start + 4] === 0 && bytes[start + 5] === 0) {
      return tiffOrientation(bytes.subarray(start + 6, end));
    }
    pos += 2 + len;
  }
  return 1;
}

function tiffOrientation(t: Uint8Array): number {
  const little = t[0] === 0x49 && t[1] === 0x49;
  if (!little && !(t[0] === 0x4d && t[1] === 0x4d)) return 1;
  const u16 = (o: number): number => (o + 2 > t.length ? -1 : little ? t[o] | (t[o + 1] << 8) : (t[o] << 8) | t[o + 1]);
  const u32 = (o: number): number => (o + 4 > t.length ? -1
    : little ? (t[o] | (t[o + 1] << 8) | (t[o + 2] << 16)) + t[o + 3] * 2 ** 24
      : (t[o + 1] << 16 | t[o + 2] << 8 | t[o + 3]) + t[o] * 2 ** 24);
  if (u16(2) !== 42) return 1;
  const ifd = u32(4);
  const count = u16(ifd);
  if (ifd < 8 || count < 0) return 1;
  for (let i = 0; i < count; i++) {
    const e = ifd + 2 + i * 12;
    if (u16(e) === 0x0112 && u16(e + 2) === 3) {
      const v = u16(e + 8);
      return v >= 1 && v <= 8 ? v : 1;
    }
  }
  return 1;
}

/**
 * Applies an EXIF orientation to interleaved pixels (`channels` per pixel, row-major). Returns the
 * input unchanged for orientation 1; otherwise new data, with width/height swapped for 5..8.
 */
export function applyOrientation(
  data: Uint8Array, width: number, height: number, channels: number, orientation: number,
): { data: Uint8Array; width: number; height: number } {
  if (orientation < 2 || orientation > 8) return { data, width, height };
  const swap = orientation >= 5;
  const ow = swap ? height : width;
  const oh = swap ? width : height;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      let sx: number;
      let sy: number;
      switch (orientation) {
        case 2: sx = width - 1 - x; sy = y; break;
        case 3: sx = width - 1 - x; sy = height - 1 - y; break;
        case 4: sx = x; sy = height - 1 - y; break;
        case 5: sx = y; sy = x; break;
        case 6: sx = y; sy = height - 1 - x; break;
        case 7: sx = width - 1 - y; sy = height - 1 - x; break;
        default: sx = width - 1 - y; sy = x; break;
      }
      const si = (sy * width + sx) * channels;
      const di = (y * ow + x) * channels;
      for (let c = 0; c < channels; c++) out[di + c] = data[si + c];
    }
  }
  return { data: out, width: ow, height: oh };
}
