/**
 * Decompression bombs: tiny PNG/JPEG files whose headers declare huge images are refused with an
 * ImageDecodeError before anything is allocated (regressions: a 100-byte PNG declaring
 * 20000x20000 decoded for ~47 s into ~2.8 GB before decode.ts got its pixel limit; a repeated
 * IHDR got past a check of the first one only; a tall image under the limit with a few bytes of
 * IDAT ran pngjs out of JS heap).
 */
import { decodeImage, ImageDecodeError } from '@mrcnn/model';
import { readChunks, writeChunks } from '../fuzz/png_mutations';
import { fixture, jpegSeeds, pngSeeds } from '../fuzz/seeds';
import { IMAGES } from '../helpers/paths';

/** The first generated PNG seed (5x4 RGB) with IHDR width and height replaced. */
function pngDeclaring(width: number, height: number): Uint8Array {
  const chunks = readChunks(pngSeeds()[0]);
  const ihdr = new DataView(chunks[0].data.buffer, chunks[0].data.byteOffset);
  ihdr.setUint32(0, width);
  ihdr.setUint32(4, height);
  return writeChunks(chunks);
}

/** The first JPEG seed (8x8 baseline) with the SOF0 frame size replaced. */
async function jpegDeclaring(width: number, height: number): Promise<Uint8Array> {
  const b = Uint8Array.from((await jpegSeeds())[0]);
  for (let i = 2; i + 9 < b.length; i++) {
    if (b[i] === 0xff && b[i + 1] === 0xc0) {
      b[i + 5] = height >> 8; b[i + 6] = height & 0xff;
      b[i + 7] = width >> 8; b[i + 8] = width & 0xff;
      return b;
    }
  }
  throw new Error('no SOF0 marker in the JPEG seed');
}

describe('decompression bombs', () => {
  it.each([[20000, 20000], [10001, 10000], [100_000_001, 1], [0xffffffff, 0xffffffff]])(
    'a PNG declaring %ix%i pixels is refused by the pixel limit', async (w, h) => {
      const png = pngDeclaring(w, h);
      expect(png.length).toBeLessThan(200);
      await expect(decodeImage(png, 'bomb.png')).rejects.toThrow(
        new ImageDecodeError('bomb.png', `PNG declares ${w}x${h} pixels, over the 100000000-pixel limit`));
    });

  it('a second IHDR declaring 3x2147483648 behind a small first one is refused (pngjs honours the last)', async () => {
    // Regression (found by the png-structure fuzz target): only the first IHDR was checked, and
    // pngjs, taking the second, ran the JS heap out of memory.
    const chunks = readChunks(pngSeeds()[0]);
    const second = { type: 'IHDR', data: chunks[0].data.slice() };
    new DataView(second.data.buffer).setUint32(4, 0x80000000);
    const png = writeChunks([chunks[0], second, ...chunks.slice(1)]);
    await expect(decodeImage(png, 'twice.png')).rejects.toThrow(
      new ImageDecodeError('twice.png', 'PNG declares 5x2147483648 pixels, over the 100000000-pixel limit'));
  });

  it('a 75-byte PNG declaring 2x33554434 grey+alpha pixels (under the limit) is refused: its IDAT cannot hold them', async () => {
    // Regression (found by the png-structure fuzz target, seed 777): pngjs ran the JS heap out of
    // memory on it. Deflate expands at most ~1032:1, so 18 bytes of IDAT hold at most ~19 kB.
    const chunks = readChunks(pngSeeds()[5]); // 2x2 grey+alpha
    const ihdr = new DataView(chunks[0].data.buffer, chunks[0].data.byteOffset);
    ihdr.setUint32(4, 33554434);
    const png = writeChunks(chunks);
    await expect(decodeImage(png, 'tall.png')).rejects.toThrow(/^tall\.png: PNG declares 2x33554434 pixels \(167772170 scanline bytes\), more than its \d+ bytes of image data can hold$/);
  });

  it('every committed fixture image still decodes', async () => {
    for (const b of [...pngSeeds(), ...(await jpegSeeds())]) {
      const img = await decodeImage(b, 'fixture');
      expect(img.data.length).toBe(img.width * img.height * 3);
    }
    const astronaut = fixture(IMAGES, 'astronaut.png');
    expect((await decodeImage(astronaut, 'astronaut.png')).width).toBe(512);
  });

  it('under the limit, a header that disagrees with the data decodes consistently or is an ImageDecodeError; the intact file decodes', async () => {
    // Small mismatches are pngjs's to judge: a consistent image or an ImageDecodeError.
    const wide = await decodeImage(pngDeclaring(10001, 2), 'wide.png').catch((e: unknown) => e);
    if (wide instanceof Error) expect(wide).toBeInstanceOf(ImageDecodeError);
    else expect((wide as { data: Uint8Array }).data.length).toBe(10001 * 2 * 3);
    const ok = await decodeImage(pngDeclaring(5, 4), 'same.png');
    expect([ok.width, ok.height, ok.data.length]).toEqual([5, 4, 60]);
  });

  it('a JPEG declaring 20000x20000 is refused from its frame header, before any decoder runs', async () => {
    await expect(decodeImage(await jpegDeclaring(20000, 20000), 'bomb.jpg')).rejects.toThrow(
      new ImageDecodeError('bomb.jpg', 'JPEG declares 20000x20000 pixels, over the 100000000-pixel limit'));
  });
});
