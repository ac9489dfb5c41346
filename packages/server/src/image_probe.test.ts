/**
 * Image header probe: the declared size of real PNG and JPEG files equals their decoded size
 * (the model's decoder), and bombs, repeated headers and truncation are seen without decoding.
 */
import * as fs from 'fs';
import * as path from 'path';
import { decodeImage } from '@mrcnn/model';
import { probeImage } from './image_probe';

const IMAGES = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'images');

/** A PNG header with IHDR chunks declaring the given sizes (enough for the probe; not decodable). */
function pngHeader(...sizes: Array<[number, number]>): Uint8Array {
  const parts = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])];
  for (const [w, h] of sizes) {
    const c = Buffer.alloc(25);
    c.writeUInt32BE(13, 0);
    c.write('IHDR', 4, 'latin1');
    c.writeUInt32BE(w, 8);
    c.writeUInt32BE(h, 12);
    parts.push(c);
  }
  return Buffer.concat(parts);
}

describe('probeImage', () => {
  it.each(['astronaut.png', 'chelsea.png', 'phone.jpg', 'rocket.jpg'])('%s: the declared size is the decoded size', async (name) => {
    const bytes = fs.readFileSync(path.join(IMAGES, name));
    const rgb = await decodeImage(bytes, name, { exifOrientation: false });
    expect(probeImage(bytes)).toEqual({ format: name.endsWith('.png') ? 'png' : 'jpeg', width: rgb.width, height: rgb.height });
  });

  it('takes the largest of repeated PNG headers (pngjs honours a later one)', () => {
    expect(probeImage(pngHeader([4, 4], [10000, 10000]))).toEqual({ format: 'png', width: 10000, height: 10000 });
  });

  it('finds a JPEG frame header past other segments and reports a truncated one as unknown size', () => {
    const jpeg = fs.readFileSync(path.join(IMAGES, 'rocket.jpg'));
    const sof = jpeg.findIndex((b, i) => b === 0xff && jpeg[i + 1] >= 0xc0 && jpeg[i + 1] <= 0xc2);
    expect(sof).toBeGreaterThan(20); // APPn/DQT segments come first
    expect(probeImage(jpeg.subarray(0, sof))).toEqual({ format: 'jpeg' });
    expect(probeImage(pngHeader().subarray(0, 8))).toEqual({ format: 'png' });
  });

  it('is undefined for bytes that are neither PNG nor JPEG', () => {
    expect(probeImage(new TextEncoder().encode('GIF89a....'))).toBeUndefined();
    expect(probeImage(new Uint8Array(0))).toBeUndefined();
  });
});
