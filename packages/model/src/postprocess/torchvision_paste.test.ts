/**
 * torchvision's paste with `crop`: the box-sized mask holds exactly the full-image mask's pixels
 * of its rectangle, and nothing of the full mask lies outside that rectangle (the paste itself is
 * tested against torchvision by test/parity/tv_exact_*).
 */
import { pasteMaskTorchvision, pasteMaskTorchvisionPlaced } from './torchvision_paste';

function heatmap(m: number, seed: number): Float32Array {
  const out = new Float32Array(m * m);
  let s = seed;
  for (let i = 0; i < out.length; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out[i] = s / 2147483648;
  }
  return out;
}

describe('pasteMaskTorchvisionPlaced', () => {
  const W = 97;
  const H = 61;
  it.each<[string, [number, number, number, number]]>([
    ['inside', [10.3, 5.7, 40.2, 33.9]],
    ['over the left/top edges', [-8.5, -3.2, 20.1, 18.4]],
    ['over the right/bottom edges', [80.4, 50.6, 120.9, 70.3]],
  ])('crop %s: the full mask\'s pixels of its rectangle, none outside', (_name, box) => {
    const heat = heatmap(28, Math.abs(Math.round(box[0] * 100)) + 7);
    const full = pasteMaskTorchvision(heat, 28, box, W, H, 0.5);
    const crop = pasteMaskTorchvisionPlaced(heat, 28, box, W, H, 0.5, true);
    expect(crop.width * crop.height).toBeGreaterThan(0);
    expect(crop.width * crop.height).toBeLessThan(W * H);
    let inside = 0;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const inRect = x >= crop.x && x < crop.x + crop.width && y >= crop.y && y < crop.y + crop.height;
        const v = inRect ? crop.data[(y - crop.y) * crop.width + (x - crop.x)] : 0;
        expect(v).toBe(full.data[y * W + x]);
        inside += v;
      }
    }
    expect(inside).toBeGreaterThan(0);
    const placedFull = pasteMaskTorchvisionPlaced(heat, 28, box, W, H, 0.5, false);
    expect([placedFull.x, placedFull.y, placedFull.width, placedFull.height]).toEqual([0, 0, W, H]);
    expect(placedFull.data).toEqual(full.data);
  });

  it('an empty or non-finite box gives a 0x0 crop at (0, 0)', () => {
    const heat = heatmap(28, 1);
    for (const box of [[200, 200, 220, 230], [Number.NaN, 0, 10, 10]]) {
      const crop = pasteMaskTorchvisionPlaced(heat, 28, box, W, H, 0.5, true);
      expect([crop.x, crop.y, crop.width, crop.height, crop.data.length]).toEqual([0, 0, 0, 0, 0]);
    }
  });
});
