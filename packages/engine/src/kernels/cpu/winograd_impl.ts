/**
 * Winograd F(2x2, 3x3) transforms in plain TypeScript: the reference of csrc/winograd.c (same tile
 * order, same summation order) and the cpu kernels. See kernel_names.ts for the layout.
 *   V = Bt d B with Bt = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1] on each zero-padded 4x4 input tile;
 *   Y = At M A with At = [1 1 1 0; 0 1 -1 -1] on each 4x4 tile of GEMM results.
 */
import { WINOGRAD_POSITIONS } from '../../kernel_names';

/** Number of 2x2 output tiles of an [n, h, w] map. */
export function winogradTiles(n: number, h: number, w: number): number {
  return n * Math.ceil(h / 2) * Math.ceil(w / 2);
}

/** x [n, h, w, c] → 16 matrices [T, c]. */
export function winogradInputTransformImpl(x: Float32Array, n: number, h: number, w: number, c: number): Float32Array[] {
  const th = Math.ceil(h / 2);
  const tw = Math.ceil(w / 2);
  const t = winogradTiles(n, h, w);
  const out = Array.from({ length: WINOGRAD_POSITIONS }, () => new Float32Array(t * c));
  const d = new Float32Array(16);
  const r = new Float32Array(16);
  let tile = 0;
  for (let b = 0; b < n; b++) {
    for (let ty = 0; ty < th; ty++) {
      for (let tx = 0; tx < tw; tx++, tile++) {
        for (let ch = 0; ch < c; ch++) {
          for (let i = 0; i < 4; i++) {
            const y = 2 * ty - 1 + i;
            for (let j = 0; j < 4; j++) {
              const xx = 2 * tx - 1 + j;
              d[4 * i + j] = y >= 0 && y < h && xx >= 0 && xx < w ? x[((b * h + y) * w + xx) * c + ch] : 0;
            }
          }
          for (let j = 0; j < 4; j++) {
            r[j] = d[j] - d[8 + j];
            r[4 + j] = d[4 + j] + d[8 + j];
            r[8 + j] = d[8 + j] - d[4 + j];
            r[12 + j] = d[4 + j] - d[12 + j];
          }
          const o = tile * c + ch;
          for (let i = 0; i < 4; i++) {
            const k = 4 * i;
            out[k][o] = r[k] - r[k + 2];
            out[k + 1][o] = r[k + 1] + r[k + 2];
            out[k + 2][o] = r[k + 2] - r[k + 1];
            out[k + 3][o] = r[k + 1] - r[k + 3];
          }
        }
      }
    }
  }
  return out;
}

/** 16 matrices [T, c] → [n, h, w, c], + bias (when given), relu when asked. */
export function winogradOutputTransformImpl(m: readonly Float32Array[], bias: Float32Array | undefined,
  n: number, h: number, w: number, c: number, relu: boolean): Float32Array {
  const th = Math.ceil(h / 2);
  const tw = Math.ceil(w / 2);
  const out = new Float32Array(n * h * w * c);
  const s0 = new Float32Array(4);
  const s1 = new Float32Array(4);
  const y = new Float32Array(4);
  let tile = 0;
  for (let b = 0; b < n; b++) {
    for (let ty = 0; ty < th; ty++) {
      for (let tx = 0; tx < tw; tx++, tile++) {
        for (let ch = 0; ch < c; ch++) {
          const o = tile * c + ch;
          for (let j = 0; j < 4; j++) {
            s0[j] = Math.fround(Math.fround(m[j][o] + m[4 + j][o]) + m[8 + j][o]);
            s1[j] = Math.fround(Math.fround(m[4 + j][o] - m[8 + j][o]) - m[12 + j][o]);
          }
          y[0] = Math.fround(s0[0] + s0[1]) + s0[2];
          y[1] = Math.fround(s0[1] - s0[2]) - s0[3];
          y[2] = Math.fround(s1[0] + s1[1]) + s1[2];
          y[3] = Math.fround(s1[1] - s1[2]) - s1[3];
          const bv = bias ? bias[ch] : 0;
          for (let q = 0; q < 4; q++) {
            const yy = 2 * ty + (q >> 1);
            const xx = 2 * tx + (q & 1);
            if (yy >= h || xx >= w) continue;
            const v = Math.fround(Math.fround(y[q]) + bv);
            out[((b * h + yy) * w + xx) * c + ch] = relu && v < 0 ? 0 : v;
          }
        }
      }
    }
  }
  return out;
}
