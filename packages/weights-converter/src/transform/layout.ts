/** Pure typed-array layout changes between PyTorch and tfjs (docs/CONVENTIONS.md §3). */

/** Conv weight OIHW -> HWIO. */
export function oihwToHwio(src: Float32Array, o: number, i: number, h: number, w: number): Float32Array {
  const out = new Float32Array(src.length);
  for (let oo = 0; oo < o; oo++) {
    for (let ii = 0; ii < i; ii++) {
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          out[((y * w + x) * i + ii) * o + oo] = src[((oo * i + ii) * h + y) * w + x];
        }
      }
    }
  }
  return out;
}

/** ConvTranspose weight [in,out,kh,kw] -> [kh,kw,out,in] (tfjs conv2dTranspose filter layout). */
export function iohwToHwoi(src: Float32Array, i: number, o: number, h: number, w: number): Float32Array {
  const out = new Float32Array(src.length);
  for (let ii = 0; ii < i; ii++) {
    for (let oo = 0; oo < o; oo++) {
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          out[((y * w + x) * o + oo) * i + ii] = src[((ii * o + oo) * h + y) * w + x];
        }
      }
    }
  }
  return out;
}

/** FC weight [out,in] -> [in,out]. */
export function transpose2d(src: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(src.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[c * rows + r] = src[r * cols + c];
  }
  return out;
}

/**
 * fc6 weight [out, C*R*R] (input flattened in (C,R,R) order) -> [R*R*C, out] with rows in
 * (R,R,C) order, so an NHWC RoI feature [R,R,C] flattens straight into the matmul.
 */
export function fc6ToTfjs(src: Float32Array, out: number, channels: number, res: number): Float32Array {
  const inDim = channels * res * res;
  const dst = new Float32Array(src.length);
  for (let o = 0; o < out; o++) {
    for (let c = 0; c < channels; c++) {
      for (let p = 0; p < res * res; p++) {
        dst[(p * channels + c) * out + o] = src[o * inDim + c * res * res + p];
      }
    }
  }
  return dst;
}
