/**
 * Winograd F(4x4, 3x3) in plain TypeScript: the reference of csrc/winograd.c's winograd4_* (same
 * tile order, same float32 summation order, so the wasm kernels match it bit for bit) and the cpu
 * kernels. Interpolation points 0, ±1, ±2 (Lavin & Gray 2015):
 *   V = Bt d B, Bt = [4 0 -5 0 1 0; 0 -4 -4 1 1 0; 0 4 -4 -1 1 0; 0 -2 -1 2 1 0; 0 2 -1 -2 1 0; 0 4 0 -5 0 1]
 *   U = G g Gt, G = [1/4 0 0; -1/6 -1/6 -1/6; -1/6 1/6 -1/6; 1/24 1/12 1/6; 1/24 -1/12 1/6; 0 0 1]
 *   Y = At M A, At = [1 1 1 1 1 0; 0 1 -1 2 -2 0; 0 1 1 4 4 0; 0 1 -1 8 -8 1]
 * on 6x6 input tiles (rows 4ty-1..4ty+4, columns 4tx-1..4tx+4, zero outside) → 4x4 output tiles;
 * position k = 6i + j is the k-th of 36 matrices [T, C], T = N·ceil(H/4)·ceil(W/4).
 */

/** Tile positions of F(4x4, 3x3): a 6x6 input tile. */
export const WINOGRAD4_POSITIONS = 36;

/** Number of 4x4 output tiles of an [n, h, w] map. */
export function winograd4Tiles(n: number, h: number, w: number): number {
  return n * Math.ceil(h / 4) * Math.ceil(w / 4);
}

const f = Math.fround;

/** o = Bt a, as csrc/winograd.c's BT6. */
function bt6(a: ArrayLike<number>, o: Float32Array): void {
  const [a0, a1, a2, a3, a4, a5] = [a[0], a[1], a[2], a[3], a[4], a[5]];
  o[0] = f(f(f(4 * a0) - f(5 * a2)) + a4);
  o[1] = f(f(a3 + a4) - f(4 * f(a1 + a2)));
  o[2] = f(f(4 * f(a1 - a2)) + f(a4 - a3));
  o[3] = f(f(2 * f(a3 - a1)) + f(a4 - a2));
  o[4] = f(f(2 * f(a1 - a3)) + f(a4 - a2));
  o[5] = f(f(f(4 * a1) - f(5 * a3)) + a5);
}

/** o = At m (6 → 4), as csrc/winograd.c's AT6. */
function at6(m: ArrayLike<number>, o: Float32Array): void {
  const p12 = f(m[1] + m[2]);
  const d12 = f(m[1] - m[2]);
  const p34 = f(m[3] + m[4]);
  const d34 = f(m[3] - m[4]);
  o[0] = f(f(m[0] + p12) + p34);
  o[1] = f(d12 + f(2 * d34));
  o[2] = f(p12 + f(4 * p34));
  o[3] = f(f(d12 + f(8 * d34)) + m[5]);
}

/** x [n, h, w, c] → 36 matrices [T, c]. */
export function winograd4InputTransformImpl(x: Float32Array, n: number, h: number, w: number, c: number): Float32Array[] {
  const th = Math.ceil(h / 4);
  const tw = Math.ceil(w / 4);
  const t = winograd4Tiles(n, h, w);
  const out = Array.from({ length: WINOGRAD4_POSITIONS }, () => new Float32Array(t * c));
  const d = new Float32Array(6);
  const u = new Float32Array(36); // u[6r + j] = (Bt d[r][.])_j
  const col = new Float32Array(6);
  const v = new Float32Array(6);
  let tile = 0;
  for (let b = 0; b < n; b++) {
    for (let ty = 0; ty < th; ty++) {
      for (let tx = 0; tx < tw; tx++, tile++) {
        for (let ch = 0; ch < c; ch++) {
          for (let r = 0; r < 6; r++) {
            const y = 4 * ty - 1 + r;
            for (let j = 0; j < 6; j++) {
              const xx = 4 * tx - 1 + j;
              d[j] = y >= 0 && y < h && xx >= 0 && xx < w ? x[((b * h + y) * w + xx) * c + ch] : 0;
            }
            bt6(d, u.subarray(6 * r, 6 * r + 6));
          }
          const o = tile * c + ch;
          for (let j = 0; j < 6; j++) {
            for (let r = 0; r < 6; r++) col[r] = u[6 * r + j];
            bt6(col, v);
            for (let i = 0; i < 6; i++) out[6 * i + j][o] = v[i];
          }
        }
      }
    }
  }
  return out;
}

/** 36 matrices [T, c] → [n, h, w, c], + bias (when given), relu when asked. */
export function winograd4OutputTransformImpl(m: readonly Float32Array[], bias: Float32Array | undefined,
  n: number, h: number, w: number, c: number, relu: boolean): Float32Array {
  const th = Math.ceil(h / 4);
  const tw = Math.ceil(w / 4);
  const out = new Float32Array(n * h * w * c);
  const s = new Float32Array(24); // s[6i + j] = (At m[.][j])_i
  const col = new Float32Array(6);
  const o4 = new Float32Array(4);
  const y = new Float32Array(4);
  let tile = 0;
  for (let b = 0; b < n; b++) {
    for (let ty = 0; ty < th; ty++) {
      for (let tx = 0; tx < tw; tx++, tile++) {
        for (let ch = 0; ch < c; ch++) {
          const o = tile * c + ch;
          for (let j = 0; j < 6; j++) {
            for (let r = 0; r < 6; r++) col[r] = m[6 * r + j][o];
            at6(col, o4);
            for (let i = 0; i < 4; i++) s[6 * i + j] = o4[i];
          }
          const bv = bias ? bias[ch] : 0;
          for (let i = 0; i < 4; i++) {
            const yy = 4 * ty + i;
            if (yy >= h) continue;
            at6(s.subarray(6 * i, 6 * i + 6), y);
            for (let q = 0; q < 4; q++) {
              const xx = 4 * tx + q;
              if (xx >= w) continue;
              const v = f(y[q] + bv);
              out[((b * h + yy) * w + xx) * c + ch] = relu && v < 0 ? 0 : v;
            }
          }
        }
      }
    }
  }
  return out;
}

/**
 * The 36 transformed filters U_k [cin, cout] of a 3x3 filter g [3, 3, cin, cout] (HWIO): separable
 * (t = G g, then U = t Gt), in float64, rounded once to float32.
 */
export function winograd4FilterValues(g: Float32Array, cin: number, cout: number): Float32Array[] {
  const n = cin * cout;
  const out = Array.from({ length: WINOGRAD4_POSITIONS }, () => new Float32Array(n));
  const t = new Float64Array(18);
  const gRow = (a: number, b: number, c: number, o: Float64Array, at: number, step: number): void => {
    o[at] = a / 4;
    o[at + step] = -(a + b + c) / 6;
    o[at + 2 * step] = -(a - b + c) / 6;
    o[at + 3 * step] = a / 24 + b / 12 + c / 6;
    o[at + 4 * step] = a / 24 - b / 12 + c / 6;
    o[at + 5 * step] = c;
  };
  const row = new Float64Array(6);
  for (let e = 0; e < n; e++) {
    for (let col = 0; col < 3; col++) gRow(g[col * n + e], g[(3 + col) * n + e], g[(6 + col) * n + e], t, col, 3); // t = G g (6x3)
    for (let i = 0; i < 6; i++) {
      gRow(t[3 * i], t[3 * i + 1], t[3 * i + 2], row, 0, 1); // U[i][.] = t[i][.] Gt
      for (let j = 0; j < 6; j++) out[6 * i + j][e] = row[j];
    }
  }
  return out;
}
