/**
 * Bilinear resize with half-pixel centres and no antialiasing, computed in float32 the way the
 * oracle's torch `F.interpolate(mode='bilinear', align_corners=False)` (CPU) computes it:
 * scale = in / out rounded to float32, then in float64: src = scale · (dst + 0.5) − 0.5, clamped
 * at 0; i0 = trunc(src), i1 = min(i0 + 1, in − 1); λ1 = src − i0, λ0 = 1 − λ1, both rounded to
 * float32 (measured on torch 1.13 with impulse inputs); an axis of equal size copies through.
 * The width is interpolated first, then the height: out = (x00·λ0w + x01·λ1w)·λ0h + (x10·λ0w + x11·λ1w)·λ1h.
 * `tf.image.resizeBilinear(..., halfPixelCenters)` computes the same formula in float64 and
 * differs from the oracle by up to ~3e-3 on 0..255 pixels; this one stays within ~5e-5.
 */
import * as tf from '@tensorflow/tfjs-core';

const f32 = Math.fround;

/** Source indices and weights of one axis. */
export interface LinearTaps {
  i0: Int32Array;
  i1: Int32Array;
  w0: Float32Array;
  w1: Float32Array;
}

export function linearTaps(inSize: number, outSize: number): LinearTaps {
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
      w1[d] = 0;
      continue;
    }
    const src = Math.max(scale * (d + 0.5) - 0.5, 0);
    const a = Math.trunc(src);
    i0[d] = a;
    i1[d] = a < inSize - 1 ? a + 1 : a;
    const l1 = Math.min(Math.max(src - a, 0), 1);
    w1[d] = l1;
    w0[d] = 1 - l1;
  }
  return { i0, i1, w0, w1 };
}

/**
 * Resizes an image [H, W, C] (int32 or float32; borrowed) to [outH, outW, C] float32. Allocates
 * at most [H, outW, C] floats: the width is reduced before anything is cast.
 */
export function resizeBilinearHalfPixel(x: tf.Tensor3D, outH: number, outW: number): tf.Tensor3D {
  const [inH, inW, c] = x.shape;
  const tw = linearTaps(inW, outW);
  const th = linearTaps(inH, outH);
  return tf.tidy(() => {
    const lerp = (t: tf.Tensor3D, taps: LinearTaps, axis: 0 | 1): tf.Tensor3D => {
      const n = taps.i0.length;
      const wShape: [number, number, number] = axis === 0 ? [n, 1, 1] : [1, n, 1];
      const a = tf.cast(tf.gather(t, tf.tensor1d(taps.i0, 'int32'), axis), 'float32');
      const b = tf.cast(tf.gather(t, tf.tensor1d(taps.i1, 'int32'), axis), 'float32');
      return tf.add(tf.mul(a, tf.tensor3d(taps.w0, wShape)), tf.mul(b, tf.tensor3d(taps.w1, wShape)));
    };
    const rows = lerp(x, tw, 1);
    const out = lerp(rows, th, 0);
    return out.shape[2] === c ? out : tf.reshape(out, [outH, outW, c]);
  });
}

/**
 * The resize of `resizePixelsBilinear`, one output row at a time: `emit(y, row)` receives row y as
 * float32 RGB [outW, 3] in a buffer reused for the next row (copy what you keep).
 */
function resizePixelRows(data: Uint8Array | Uint8ClampedArray, inH: number, inW: number, channels: 3 | 4,
  outH: number, outW: number, emit: (y: number, row: Float32Array) => void): void {
  const tw = linearTaps(inW, outW);
  const th = linearTaps(inH, outH);
  const rowCache = new Map<number, Float32Array>();
  const lerpRow = (y: number): Float32Array => {
    let row = rowCache.get(y);
    if (row !== undefined) return row;
    row = new Float32Array(outW * 3);
    const base = y * inW * channels;
    for (let x = 0; x < outW; x++) {
      const a = base + tw.i0[x] * channels;
      const b = base + tw.i1[x] * channels;
      const w0 = tw.w0[x];
      const w1 = tw.w1[x];
      for (let c = 0; c < 3; c++) row[x * 3 + c] = f32(f32(data[a + c] * w0) + f32(data[b + c] * w1));
    }
    // Source rows are visited in ascending order: keep only the last few.
    if (rowCache.size > 3) rowCache.delete(rowCache.keys().next().value as number);
    rowCache.set(y, row);
    return row;
  };
  const out = new Float32Array(outW * 3);
  for (let y = 0; y < outH; y++) {
    const ra = lerpRow(th.i0[y]);
    const rb = lerpRow(th.i1[y]);
    const h0 = th.w0[y];
    const h1 = th.w1[y];
    for (let k = 0; k < outW * 3; k++) out[k] = f32(f32(ra[k] * h0) + f32(rb[k] * h1));
    emit(y, out);
  }
}

/**
 * The same resize on interleaved 8-bit pixels in plain JS (RGB or RGBA, alpha skipped), giving
 * float32 RGB [outH, outW, 3] row-major — bit-identical to `resizeBilinearHalfPixel` (every
 * product and sum rounded to float32 in the same order), without any full-resolution tensor.
 */
export function resizePixelsBilinear(data: Uint8Array | Uint8ClampedArray, inH: number, inW: number, channels: 3 | 4,
  outH: number, outW: number): Float32Array {
  const out = new Float32Array(outH * outW * 3);
  resizePixelRows(data, inH, inW, channels, outH, outW, (y, row) => out.set(row, y * outW * 3));
  return out;
}

/**
 * The same resize written as channel planes: `planes` is [3, planeH, planeW] (NCHW of batch 1)
 * with planeH ≥ outH, planeW ≥ outW; plane k gets RGB channel `order[k]` (BGR: 2, 1, 0) of the
 * resized image at its top-left; nothing outside the outH x outW corner is written.
 */
export function resizePixelsToPlanes(data: Uint8Array | Uint8ClampedArray, inH: number, inW: number, channels: 3 | 4,
  outH: number, outW: number, planes: Float32Array, planeH: number, planeW: number, order: readonly [number, number, number]): void {
  const planeSize = planeH * planeW;
  resizePixelRows(data, inH, inW, channels, outH, outW, (y, row) => {
    for (let k = 0; k < 3; k++) {
      const c = order[k];
      const base = k * planeSize + y * planeW;
      for (let x = 0; x < outW; x++) planes[base + x] = row[x * 3 + c];
    }
  });
}
