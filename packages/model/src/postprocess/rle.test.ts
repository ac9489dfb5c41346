import { ArgumentError } from '../errors';
import {
  countsFromString, countsToString, decodeRle, decodeRleCounts, encodeRle, encodeRleCounts, rleArea,
} from './rle';

/** Row-major mask from rows of 0/1. */
function mask(rows: number[][]): { width: number; height: number; data: Uint8Array } {
  return { width: rows[0].length, height: rows.length, data: Uint8Array.from(rows.flat()) };
}

describe('COCO RLE (hand-computed cases)', () => {
  it('counts runs column-major, starting with zeros', () => {
    // Columns top to bottom: 0 0 1 | 0 1 1 | 1 1 0 -> runs 2 zeros, 1 one, 1 zero, 4 ones, 1 zero.
    const m = mask([[0, 0, 1], [0, 1, 1], [1, 1, 0]]);
    expect(encodeRleCounts(m)).toEqual({ size: [3, 3], counts: [2, 1, 1, 4, 1] });
    // Leading one: an empty zero run first.
    expect(encodeRleCounts(mask([[1, 0]])).counts).toEqual([0, 1, 1]);
    expect(encodeRleCounts(mask([[0, 0], [0, 0]])).counts).toEqual([4]);
  });

  it('writes pycocotools compressed strings (deltas from two counts back, 5-bit groups)', () => {
    // 2, 1, 1, then 4 - 1 = 3, then 1 - 1 = 0.
    expect(countsToString([2, 1, 1, 4, 1])).toBe('21130');
    // 100 = 4 + 32 * 3: low group 4 with the continuation bit (36 + 48 = 'T'), then 3.
    expect(countsToString([100])).toBe('T3');
    // Negative delta 2 - 10 = -8: one group 24 (sign bit 0x10 set, no continuation) -> 'H'.
    expect(countsToString([0, 10, 5, 2])).toBe('0:5H');
    expect(encodeRle(mask([[0, 0, 1], [0, 1, 1], [1, 1, 0]]))).toEqual({ size: [3, 3], counts: '21130' });
  });

  it('reads the strings back and decodes to the same mask', () => {
    expect(countsFromString('21130')).toEqual([2, 1, 1, 4, 1]);
    expect(countsFromString('T3')).toEqual([100]);
    expect(countsFromString('0:5H')).toEqual([0, 10, 5, 2]);
    const m = mask([[0, 0, 1], [0, 1, 1], [1, 1, 0]]);
    expect(decodeRle(encodeRle(m))).toEqual(m);
    expect(rleArea({ size: [3, 3], counts: '21130' })).toBe(5);
  });

  it('round-trips pseudo-random masks of odd sizes (large runs and deltas included)', () => {
    let seed = 12345;
    const rnd = (): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
    for (const [h, w, p] of [[1, 1, 0.5], [7, 13, 0.3], [64, 3, 0.9], [200, 150, 0.02], [33, 1000, 0.5]]) {
      const data = new Uint8Array(h * w);
      // Runs of random length so both small and > 32 runs appear.
      let i = 0;
      let v = rnd() < 0.5 ? 1 : 0;
      while (i < data.length) {
        const run = 1 + Math.floor(rnd() * (rnd() < p ? 3 : 300));
        data.fill(v, i, Math.min(data.length, i + run));
        i += run;
        v ^= 1;
      }
      const m = { width: w, height: h, data };
      const rle = encodeRle(m);
      expect(decodeRle(rle)).toEqual(m);
      expect(rleArea(rle)).toBe(data.reduce((a, b) => a + b, 0));
      expect(countsFromString(rle.counts)).toEqual(encodeRleCounts(m).counts);
    }
  });

  it('rejects inconsistent masks and RLEs with typed errors', () => {
    expect(() => encodeRle({ width: 2, height: 2, data: new Uint8Array(3) })).toThrow(ArgumentError);
    expect(() => decodeRleCounts({ size: [2, 2], counts: [1, 5] })).toThrow(/overflows a 2x2 mask/);
    expect(() => decodeRleCounts({ size: [2, 2], counts: [1, 2] })).toThrow(/cover 3 pixels, the mask has 4/);
    expect(() => countsFromString('T')).toThrow(/ends inside a count/);
    expect(() => countsFromString('~')).toThrow(/invalid character/);
  });
});
