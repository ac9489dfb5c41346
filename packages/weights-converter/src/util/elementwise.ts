/**
 * Numpy-style broadcasting over row-major tensors, shared by the constant folders of the ONNX and
 * IR readers (weights computed by constant subgraphs: decompression, BN scale/shift, Identity-free
 * arithmetic). Pure functions on typed arrays; nothing here throws except through the callers.
 */

/** The broadcast shape of `a` and `b`, or undefined when they do not broadcast. */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] | undefined {
  const r = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < r; i++) {
    const x = a[a.length - r + i] ?? 1;
    const y = b[b.length - r + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return undefined;
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** Maps a flat index of the broadcast shape `out` to a flat index into a tensor of `shape`. */
export function indexer(shape: readonly number[], out: readonly number[]): (flat: number) => number {
  const r = out.length;
  const padded = [...new Array<number>(r - shape.length).fill(1), ...shape];
  const strides = new Array<number>(r).fill(0);
  let s = 1;
  for (let d = r - 1; d >= 0; d--) { strides[d] = padded[d] === 1 ? 0 : s; s *= padded[d]; }
  return (flat) => {
    let idx = 0;
    for (let d = r - 1; d >= 0; d--) { const c = flat % out[d]; flat = (flat - c) / out[d]; idx += c * strides[d]; }
    return idx;
  };
}
