/**
 * The images of the torchvision goldens (tools/oracle/torchvision_exact.py, `meta.source`): a PNG of
 * test/fixtures/images decoded (as PIL decodes it), cropped [y0, x0, h, w] and/or transposed — the
 * exact pixels torchvision was fed.
 */
import * as path from 'path';
import { readImageFile } from '@mrcnn/model';
import type { PixelArray } from '@mrcnn/model';
import { IMAGES } from './paths';

export interface TvSource { file: string; crop: [number, number, number, number] | null; transpose: boolean }

export async function tvSourcePixels(source: TvSource): Promise<PixelArray & { data: Uint8Array }> {
  const img = await readImageFile(path.join(IMAGES, source.file));
  const [y0, x0, h, w] = source.crop ?? [0, 0, img.height, img.width];
  const [oh, ow] = source.transpose ? [w, h] : [h, w];
  const data = new Uint8Array(oh * ow * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const s = ((y0 + y) * img.width + x0 + x) * 3;
      const d = source.transpose ? (x * ow + y) * 3 : (y * ow + x) * 3;
      data[d] = img.data[s];
      data[d + 1] = img.data[s + 1];
      data[d + 2] = img.data[s + 2];
    }
  }
  return { width: ow, height: oh, data };
}
