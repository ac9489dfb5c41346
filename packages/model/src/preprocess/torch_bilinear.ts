/**
 * torch 1.13's CPU bilinear interpolation (`F.interpolate(x, size=(h, w), mode='bilinear',
 * align_corners=False)`, no antialias) reproduced bit for bit, as measured on Debian's torch 1.13.1
 * (tools/oracle/README.md, "torch's bilinear kernel"):
 * - per axis: scale = in / out rounded to float32; src = scale·(d + 0.5) − 0.5 in float64, clamped at
 *   0; i0 = trunc(src), i1 = min(i0 + 1, in − 1); λ1 = float32(min(max(src − i0, 0), 1)) and
 *   λ0 = float32(1 − λ1) (an axis of equal size copies: λ0 = 1, λ1 = 0);
 * - in 2-D each output is float32(x00·c00 + x01·c01 + x10·c10 + x11·c11), the products and sums in
 *   float64, with the tap weights c = float32(λh·λw).
 * Used by the torchvision transform (GeneralizedRCNNTransform's resize) and its mask paste
 * (paste_masks_in_image). Pure typed-array code, no tensors.
 */
const f32 = Math.fround;

/** Source indices and weights of one axis. */
export interface TorchTaps {
  readonly i0: Int32Array;
  readonly i1: Int32Array;
  readonly w0: Float32Array;
  readonly w1: Float32Array;
}

/** The taps of one axis resized from `inSize` to `outSize` pixels. */
export function torchLinearTaps(inSize: number, outSize: number): TorchTaps {
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const w0 = new Float32Array(outSize);
  const w1 = new Float32Array(outSize);
  const scale = f32(inSize / outSize);
  for (let d = 0; d < outSize; d++) {
    if (inSize === outSize) {
      i0[d] = d;
      i1[d] = d;
      w0[d] = 1;
      continue;
    }
    const src = Math.max(scale * (d + 0.5) - 0.5, 0);
    const a = Math.trunc(src);
    i0[d] = a;
    i1[d] = a < inSize - 1 ? a + 1 : a;
    const l1 = f32(Math.min(Math.max(src - a, 0), 1));
    w1[d] = l1;
    w0[d] = f32(1 - l1);
  }
  return { i0, i1, w0, w1 };
}

/** Reads the source value at row `y`, column `x` (one plane). */
export type PlaneReader = (y: number, x: number) => number;

/**
 * Resizes one plane read through `at` (inH x inW) to outH x outW, writing rows
 * [y0, y1) x columns [x0, x1) of the output into `out` at `offset + (y − y0)·stride + (x − x0)`.
 * Defaults: the whole output, row-major, stride outW.
 */
export function torchBilinearPlane(at: PlaneReader, th: TorchTaps, tw: TorchTaps, out: Float32Array,
  window: { y0: number; y1: number; x0: number; x1: number; offset: number; stride: number }): void {
  const { y0, y1, x0, x1, offset, stride } = window;
  for (let y = y0; y < y1; y++) {
    const ya = th.i0[y];
    const yb = th.i1[y];
    const h0 = th.w0[y];
    const h1 = th.w1[y];
    const o = offset + (y - y0) * stride - x0;
    for (let x = x0; x < x1; x++) {
      const xa = tw.i0[x];
      const xb = tw.i1[x];
      const c00 = f32(h0 * tw.w0[x]);
      const c01 = f32(h0 * tw.w1[x]);
      const c10 = f32(h1 * tw.w0[x]);
      const c11 = f32(h1 * tw.w1[x]);
      out[o + x] = at(ya, xa) * c00 + at(ya, xb) * c01 + at(yb, xa) * c10 + at(yb, xb) * c11;
    }
  }
}
