import * as fs from 'fs';
import * as path from 'path';
import { IMAGES } from '../../../../test/helpers/paths';
import { ArgumentError, ImageDecodeError } from '../errors';
import { writePng } from '../../../../test/helpers/png_writer';
import { decodeImage } from './decode';
import { applyOrientation, jpegOrientation } from './exif';
import { pixelsToTensor } from './image_input';

describe('PNG modes decode to RGB', () => {
  it('8-bit grey, grey+alpha, RGBA and palette', async () => {
    const grey = await decodeImage(writePng({ width: 2, height: 1, bitDepth: 8, colorType: 0, rows: [Uint8Array.from([0, 200])] }));
    expect(Array.from(grey.data)).toEqual([0, 0, 0, 200, 200, 200]);
    const ga = await decodeImage(writePng({ width: 2, height: 1, bitDepth: 8, colorType: 4, rows: [Uint8Array.from([50, 0, 60, 255])] }));
    expect(Array.from(ga.data)).toEqual([50, 50, 50, 60, 60, 60]);
    // Alpha is dropped, not composited (PIL convert('RGB')).
    const rgba = await decodeImage(writePng({ width: 1, height: 2, bitDepth: 8, colorType: 6, rows: [Uint8Array.from([1, 2, 3, 0]), Uint8Array.from([4, 5, 6, 128])] }));
    expect([rgba.width, rgba.height, ...rgba.data]).toEqual([1, 2, 1, 2, 3, 4, 5, 6]);
    const pal = await decodeImage(writePng({ width: 3, height: 1, bitDepth: 2, colorType: 3, rows: [Uint8Array.from([0b00011000])], palette: [9, 8, 7, 1, 2, 3, 40, 50, 60] }));
    expect(Array.from(pal.data)).toEqual([9, 8, 7, 1, 2, 3, 40, 50, 60]);
  });

  it('1-bit grey and 16-bit RGB (scaled to 8 bits: v·255/65535 rounded)', async () => {
    const bits = await decodeImage(writePng({ width: 3, height: 1, bitDepth: 1, colorType: 0, rows: [Uint8Array.from([0b10100000])] }));
    expect(Array.from(bits.data)).toEqual([255, 255, 255, 0, 0, 0, 255, 255, 255]);
    const samples = [0x0000, 0xffff, 0x8080, 0x1234, 0x7f7f, 0xfe00];
    const row = new Uint8Array(12);
    samples.forEach((v, i) => { row[2 * i] = v >> 8; row[2 * i + 1] = v & 0xff; });
    const deep = await decodeImage(writePng({ width: 2, height: 1, bitDepth: 16, colorType: 2, rows: [row] }));
    expect(Array.from(deep.data)).toEqual(samples.map((v) => Math.round((v * 255) / 65535)));
  });

  it('0x0, truncated and non-image bytes are ImageDecodeErrors naming the source', async () => {
    const empty = writePng({ width: 0, height: 0, bitDepth: 8, colorType: 2, rows: [] });
    await expect(decodeImage(empty, 'empty.png')).rejects.toThrow(ImageDecodeError);
    const good = fs.readFileSync(path.join(IMAGES, 'chelsea.png'));
    await expect(decodeImage(good.subarray(0, 2000), 'cut.png')).rejects.toThrow(/^cut\.png: invalid PNG/);
    const jpeg = fs.readFileSync(path.join(IMAGES, 'rocket.jpg'));
    await expect(decodeImage(jpeg.subarray(0, 600), 'cut.jpg')).rejects.toThrow(/^cut\.jpg: invalid JPEG/);
    await expect(decodeImage(new TextEncoder().encode('GIF89a....'), 'x.gif')).rejects.toThrow('x.gif: not a PNG or JPEG image (unknown signature)');
    await expect(decodeImage(new Uint8Array(0))).rejects.toThrow(ImageDecodeError);
    expect(() => pixelsToTensor({ width: 0, height: 0, data: new Uint8Array(0) })).toThrow(ArgumentError);
    expect(() => pixelsToTensor({ width: 2, height: 2, data: new Uint8Array(5) })).toThrow(/data has 5 bytes, expected 2x2x3/);
  });
});

/** APP1 Exif segment (big-endian TIFF) holding one Orientation entry. */
function exifSegment(orientation: number): Buffer {
  const tiff = Buffer.from([0x4d, 0x4d, 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0, 0, 0, 0, 0]);
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const len = Buffer.alloc(2);
  len.writeUInt16BE(body.length + 2, 0);
  return Buffer.concat([Buffer.from([0xff, 0xe1]), len, body]);
}

describe('JPEG EXIF orientation', () => {
  /** 32x16 JPEG: left half red, right half blue, with the given orientation tag. */
  async function taggedJpeg(orientation: number): Promise<Buffer> {
    const jpeg = await import('jpeg-js');
    const w = 32;
    const h = 16;
    const data = Buffer.alloc(w * h * 4);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) data.set(x < w / 2 ? [230, 20, 20, 255] : [20, 20, 230, 255], (y * w + x) * 4);
    }
    const plain = jpeg.encode({ data, width: w, height: h }, 95).data;
    return Buffer.concat([plain.subarray(0, 2), exifSegment(orientation), plain.subarray(2)]);
  }

  const red = (p: number[]): boolean => p[0] > 180 && p[2] < 80;
  const blue = (p: number[]): boolean => p[2] > 180 && p[0] < 80;
  const at = (img: { width: number; data: Uint8Array }, x: number, y: number): number[] => Array.from(img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3));

  it('reads the tag and shows the image upright (6: rotate 90° clockwise, 3: 180°)', async () => {
    const six = await taggedJpeg(6);
    expect(jpegOrientation(six)).toBe(6);
    const upright = await decodeImage(six);
    // The stored left (red) half becomes the top.
    expect([upright.width, upright.height]).toEqual([16, 32]);
    expect([red(at(upright, 8, 4)), blue(at(upright, 8, 27))]).toEqual([true, true]);
    const asStored = await decodeImage(six, 'x.jpg', { exifOrientation: false });
    expect([asStored.width, asStored.height, red(at(asStored, 4, 8)), blue(at(asStored, 27, 8))]).toEqual([32, 16, true, true]);
    const three = await decodeImage(await taggedJpeg(3));
    expect([three.width, red(at(three, 27, 8)), blue(at(three, 4, 8))]).toEqual([32, true, true]);
  });

  it('maps every orientation as the EXIF table says (hand-checked on a 3x2 image)', () => {
    // Pixels a b c / d e f (one channel).
    const src = Uint8Array.from([1, 2, 3, 4, 5, 6]);
    const cases: Array<[number, number, number, number[]]> = [
      [1, 3, 2, [1, 2, 3, 4, 5, 6]], [2, 3, 2, [3, 2, 1, 6, 5, 4]], [3, 3, 2, [6, 5, 4, 3, 2, 1]],
      [4, 3, 2, [4, 5, 6, 1, 2, 3]], [5, 2, 3, [1, 4, 2, 5, 3, 6]], [6, 2, 3, [4, 1, 5, 2, 6, 3]],
      [7, 2, 3, [6, 3, 5, 2, 4, 1]], [8, 2, 3, [3, 6, 2, 5, 1, 4]],
    ];
    for (const [o, w, h, expected] of cases) {
      const r = applyOrientation(src, 3, 2, 1, o);
      expect([o, r.width, r.height, ...r.data]).toEqual([o, w, h, ...expected]);
    }
  });
});
