/**
 * Matching tracks to detections: the optimal assignment (Hungarian / Kuhn–Munkres, O(n³), the
 * e-maxx formulation with row and column potentials) and a greedy one (best pair first), both
 * maximising total IoU over pairs whose IoU reaches a threshold, as SORT does.
 */

/**
 * Minimum-cost assignment of a rectangular cost matrix [rows][cols]: `result[r]` is the column of
 * row r, or -1 (when rows outnumber columns). Costs must be finite.
 */
export function hungarian(cost: readonly (readonly number[])[]): number[] {
  const n = cost.length;
  const m = n === 0 ? 0 : cost[0].length;
  if (n === 0) return [];
  if (m === 0) return new Array<number>(n).fill(-1);
  if (n > m) {
    // Solve the transpose (rows ≤ columns), then invert the matching.
    const t = Array.from({ length: m }, (_, j) => Array.from({ length: n }, (_, i) => cost[i][j]));
    const colOfRow = new Array<number>(n).fill(-1);
    hungarian(t).forEach((i, j) => { if (i >= 0) colOfRow[i] = j; });
    return colOfRow;
  }
  // 1-based arrays as in the classic formulation: p[j] = row matched to column j.
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const p = new Int32Array(m + 1);
  const way = new Int32Array(m + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    const minv = new Float64Array(m + 1).fill(Infinity);
    const used = new Uint8Array(m + 1);
    do {
      used[j0] = 1;
      const i0 = p[j0];
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const cur = cost[i0 - 1][j - 1] - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else {
          minv[j] -= delta;
        }
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0 !== 0);
  }
  const result = new Array<number>(n).fill(-1);
  for (let j = 1; j <= m; j++) if (p[j] > 0) result[p[j] - 1] = j - 1;
  return result;
}

export type AssignmentMethod = 'hungarian' | 'greedy';

/** A matched (row, column) pair. */
export interface Match {
  row: number;
  col: number;
}

/**
 * Pairs rows with columns to maximise the summed `score` (IoU) over pairs with score ≥ `threshold`;
 * a pair below the threshold is never made. Greedy: the best remaining pair first (ties: lower
 * row, then lower column).
 */
export function assign(score: readonly (readonly number[])[], threshold: number, method: AssignmentMethod): Match[] {
  const n = score.length;
  const m = n === 0 ? 0 : score[0].length;
  if (n === 0 || m === 0) return [];
  if (method === 'greedy') {
    const pairs: Array<[number, number, number]> = [];
    for (let r = 0; r < n; r++) for (let c = 0; c < m; c++) if (score[r][c] >= threshold) pairs.push([score[r][c], r, c]);
    pairs.sort((a, b) => b[0] - a[0] || a[1] - b[1] || a[2] - b[2]);
    const rowUsed = new Uint8Array(n);
    const colUsed = new Uint8Array(m);
    const out: Match[] = [];
    for (const [, r, c] of pairs) {
      if (rowUsed[r] || colUsed[c]) continue;
      rowUsed[r] = 1;
      colUsed[c] = 1;
      out.push({ row: r, col: c });
    }
    return out.sort((a, b) => a.row - b.row);
  }
  // Pairs below the threshold cost 1 (as much as no match), so they never displace a valid pair.
  const cost = score.map((row) => row.map((s) => (s >= threshold ? 1 - s : 1)));
  return hungarian(cost).flatMap((c, r) => (c >= 0 && score[r][c] >= threshold ? [{ row: r, col: c }] : []));
}
