import { decodeImage } from '../preprocess/decode';
import { blend, drawText, encodePng, renderOverlay } from './overlay';
import { layoutLabels } from './label_layout';
import { INSTANCE_PALETTE, instanceColor } from './palette';

function gray(width: number, height: number, v: number): { width: number; height: number; data: Uint8Array } {
  return { width, height, data: new Uint8Array(width * height * 3).fill(v) };
}

function px(img: { width: number; data: Uint8Array }, x: number, y: number): number[] {
  const i = (y * img.width + x) * 3;
  return [img.data[i], img.data[i + 1], img.data[i + 2]];
}

describe('overlay rendering', () => {
  const red = [200, 0, 0] as const;
  const colorOf = (): readonly [number, number, number] => red;

  it('blends the mask, outlines the box and draws a label tag; leaves other pixels and the input alone', () => {
    const img = gray(60, 60, 100);
    const mask = { width: 60, height: 60, data: new Uint8Array(3600) };
    for (let y = 30; y < 40; y++) for (let x = 30; x < 40; x++) mask.data[y * 60 + x] = 1;
    const out = renderOverlay(img, [{ classId: 1, label: 'cat', score: 0.5, box: [25, 25, 45, 45], mask }],
      { colorOf, maskAlpha: 0.5, lineWidth: 1, textScale: 1 });
    // Mask pixel: 100·0.5 + 200·0.5 = 150, 100·0.5 + 0 = 50.
    expect(px(out, 35, 35)).toEqual([150, 50, 50]);
    // Box outline pixels (x1 = 25 column, y2 = 45 row) take the colour.
    expect(px(out, 25, 35)).toEqual([200, 0, 0]);
    expect(px(out, 35, 45)).toEqual([200, 0, 0]);
    // Inside the box, outside the mask: untouched. Far away: untouched.
    expect(px(out, 27, 27)).toEqual([100, 100, 100]);
    expect(px(out, 5, 55)).toEqual([100, 100, 100]);
    // Label tag above the box: 7 + 2 rows high (y 16..24), starts at x = 25; text is white on red.
    expect(px(out, 25, 16)).toEqual([200, 0, 0]);
    expect(px(out, 25, 15)).toEqual([100, 100, 100]);
    let white = 0;
    for (let y = 16; y < 25; y++) for (let x = 25; x < 60; x++) if (px(out, x, y).every((v) => v === 255)) white++;
    expect(white).toBeGreaterThan(20);
    expect(img.data.every((v) => v === 100)).toBe(true);
  });

  it('draws glyphs from the bitmap font (hand-checked "1")', () => {
    const img = gray(8, 9, 0);
    drawText(img, '1', 1, 1, [255, 255, 255], 1);
    // '1' rows: 0x04 0x0c 0x04 0x04 0x04 0x04 0x0e -> column 2 lit on every row, row 7 columns 1..3.
    const lit = (x: number, y: number): boolean => img.data[(y * 8 + x) * 3] === 255;
    for (let r = 0; r < 7; r++) expect(lit(1 + 2, 1 + r)).toBe(true);
    expect([lit(2, 2), lit(1, 2), lit(2, 7), lit(4, 7), lit(5, 7), lit(1, 1)]).toEqual([true, false, true, true, false, false]);
  });

  it('keeps a label inside the image when the box touches the top-right corner', () => {
    const img = gray(40, 40, 0);
    const out = renderOverlay(img, [{ classId: 2, label: 'x', score: 1, box: [35, 0, 39, 10] }], { colorOf, lineWidth: 1, textScale: 1 });
    // Tag width = "x 1.00" 6 chars · 6 − 1 + 2 = 37 px, shifted left to x = 3; placed inside the box row 0.
    expect(px(out, 3, 0)).toEqual([200, 0, 0]);
    expect(px(out, 2, 0)).toEqual([0, 0, 0]);
  });

  it('blend, and one colour per instance (by rank), two instances of one class told apart', () => {
    expect(blend(0, 255, 0.45)).toBe(115);
    expect(instanceColor(0)).toEqual([230, 25, 75]);
    expect(instanceColor(1)).toEqual([60, 180, 75]);
    expect(instanceColor(INSTANCE_PALETTE.length)).toEqual(instanceColor(0));
    const img = gray(100, 40, 0);
    const out = renderOverlay(img, [
      { classId: 3, label: 'a', score: 0.9, box: [2, 22, 12, 38] }, { classId: 3, label: 'b', score: 0.8, box: [52, 22, 62, 38] },
    ], { lineWidth: 1, textScale: 1 });
    expect(px(out, 2, 30)).toEqual([230, 25, 75]);
    expect(px(out, 52, 30)).toEqual([60, 180, 75]);
  });

  it('draws a box-cropped mask at its place in the image', () => {
    const img = gray(30, 30, 0);
    const mask = { x: 10, y: 20, width: 3, height: 2, data: Uint8Array.from([1, 0, 1, 0, 1, 0]) };
    const out = renderOverlay(img, [{ classId: 1, label: 'x', score: 1, box: [0, 0, 1, 1], mask }],
      { colorOf, maskAlpha: 0.5, lineWidth: 1, textScale: 1 });
    expect([px(out, 10, 20), px(out, 11, 20), px(out, 12, 20), px(out, 11, 21)]).toEqual([[100, 0, 0], [0, 0, 0], [100, 0, 0], [100, 0, 0]]);
    expect(px(out, 13, 20)).toEqual([0, 0, 0]);
  });

  it('label tags of overlapping boxes do not cover each other and stay in the image', () => {
    const boxes = [[10, 10, 60, 60], [12, 11, 58, 62], [11, 12, 61, 59], [0, 0, 20, 5]];
    const tags = layoutLabels(boxes.map((box) => ({ box, width: 30, height: 9 })), 80, 70);
    for (const t of tags) {
      expect(t.x).toBeGreaterThanOrEqual(0);
      expect(t.y).toBeGreaterThanOrEqual(0);
      expect(t.x + t.width).toBeLessThanOrEqual(80);
      expect(t.y + t.height).toBeLessThanOrEqual(70);
    }
    for (let i = 0; i < tags.length; i++) {
      for (let j = i + 1; j < tags.length; j++) {
        const a = tags[i];
        const b = tags[j];
        const overlap = Math.min(a.x + a.width, b.x + b.width) > Math.max(a.x, b.x) && Math.min(a.y + a.height, b.y + b.height) > Math.max(a.y, b.y);
        expect({ i, j, overlap }).toEqual({ i, j, overlap: false });
      }
    }
    // the first (best) instance gets the spot above its box
    expect(tags[0]).toEqual({ x: 10, y: 1, width: 30, height: 9 });
  });

  it('writes a PNG that decodes to the same pixels', async () => {
    const img = gray(7, 5, 0);
    for (let i = 0; i < img.data.length; i++) img.data[i] = (i * 37) % 256;
    const png = await encodePng(img);
    const back = await decodeImage(png, 'overlay.png');
    expect(back).toEqual({ width: 7, height: 5, data: img.data });
  });
});
