/** The Hungarian solver against brute force on random matrices; greedy and the IoU threshold. */
import { assign, hungarian } from './assignment';
import { boxIoU, iouMatrix } from './iou';

/** Deterministic values in [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Minimum total cost over every assignment of min(n, m) pairs, by enumeration. */
function bruteForce(cost: number[][]): number {
  const n = cost.length;
  const m = cost[0].length;
  let best = Infinity;
  const usedCols = new Array<boolean>(m).fill(false);
  const usedRows = new Array<boolean>(n).fill(false);
  const k = Math.min(n, m);
  const rec = (row: number, taken: number, sum: number): void => {
    if (taken === k) { best = Math.min(best, sum); return; }
    if (row === n) return;
    // Rows beyond the columns may stay unmatched.
    if (n - row - 1 >= k - taken) rec(row + 1, taken, sum);
    for (let c = 0; c < m; c++) {
      if (usedCols[c]) continue;
      usedCols[c] = true;
      usedRows[row] = true;
      rec(row + 1, taken + 1, sum + cost[row][c]);
      usedCols[c] = false;
      usedRows[row] = false;
    }
  };
  rec(0, 0, 0);
  return best;
}

describe('hungarian', () => {
  it.each([[1, 1], [2, 2], [3, 5], [5, 3], [4, 4], [6, 6], [2, 7], [7, 2]])('%ix%i: optimal on 30 random matrices (brute force)', (n, m) => {
    const r = rng(n * 100 + m);
    for (let trial = 0; trial < 30; trial++) {
      const cost = Array.from({ length: n }, () => Array.from({ length: m }, () => Math.round(r() * 20) / 4));
      const match = hungarian(cost);
      expect(match).toHaveLength(n);
      const cols = match.filter((c) => c >= 0);
      expect(cols).toHaveLength(Math.min(n, m));
      expect(new Set(cols).size).toBe(cols.length);
      const total = match.reduce((s, c, i) => s + (c >= 0 ? cost[i][c] : 0), 0);
      expect(total).toBeCloseTo(bruteForce(cost), 9);
    }
  });

  it('handles empty matrices', () => {
    expect(hungarian([])).toEqual([]);
    expect(hungarian([[], []])).toEqual([-1, -1]);
  });
});

describe('assign', () => {
  it('Hungarian maximises the summed IoU where greedy takes the best pair first', () => {
    // Greedy takes (0,0)=0.9, leaving (1,1)=0.1 → 1.0; optimal (0,1)+(1,0) = 0.8 + 0.8 = 1.6.
    const score = [[0.9, 0.8], [0.8, 0.1]];
    expect(assign(score, 0.05, 'hungarian')).toEqual([{ row: 0, col: 1 }, { row: 1, col: 0 }]);
    expect(assign(score, 0.05, 'greedy')).toEqual([{ row: 0, col: 0 }, { row: 1, col: 1 }]);
  });

  it('never makes a pair below the threshold', () => {
    const score = [[0.2, 0], [0, 0.5]];
    expect(assign(score, 0.3, 'hungarian')).toEqual([{ row: 1, col: 1 }]);
    expect(assign(score, 0.3, 'greedy')).toEqual([{ row: 1, col: 1 }]);
    expect(assign([], 0.3, 'hungarian')).toEqual([]);
  });
});

describe('boxIoU', () => {
  it('hand cases: identical, half overlap, disjoint, empty', () => {
    expect(boxIoU([0, 0, 10, 10], [0, 0, 10, 10])).toBe(1);
    expect(boxIoU([0, 0, 10, 10], [5, 0, 15, 10])).toBeCloseTo(50 / 150, 12);
    expect(boxIoU([0, 0, 10, 10], [10, 0, 20, 10])).toBe(0);
    expect(boxIoU([0, 0, 0, 10], [0, 0, 10, 10])).toBe(0);
    expect(iouMatrix([[0, 0, 10, 10]], [[0, 0, 10, 10], [20, 20, 30, 30]])).toEqual([[1, 0]]);
  });
});
