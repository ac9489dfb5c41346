/**
 * The stacked Winograd transforms ([P, T, C] layout, kernel_names.ts) on the per-position
 * references: F(2x2) = winograd_impl.ts, F(4x4) = winograd4_impl.ts.
 */
import type { WinogradOutputTile } from '../../kernel_names';
import { winogradInputTransformImpl, winogradOutputTransformImpl, winogradTiles } from './winograd_impl';
import { winograd4InputTransformImpl, winograd4OutputTransformImpl, winograd4Tiles } from './winograd4_impl';

/** Output tiles of an [n, h, w] map for F(r x r, 3x3). */
export function winogradStackedTiles(outputTile: WinogradOutputTile, n: number, h: number, w: number): number {
  return outputTile === 2 ? winogradTiles(n, h, w) : winograd4Tiles(n, h, w);
}

/** x [n, h, w, c] → [P, T, c] as one array. */
export function winogradStackedInputImpl(outputTile: WinogradOutputTile, x: Float32Array, n: number, h: number, w: number,
  c: number): Float32Array {
  const mats = outputTile === 2 ? winogradInputTransformImpl(x, n, h, w, c) : winograd4InputTransformImpl(x, n, h, w, c);
  const size = winogradStackedTiles(outputTile, n, h, w) * c;
  const out = new Float32Array(mats.length * size);
  mats.forEach((mm, k) => out.set(mm, k * size));
  return out;
}

/** [P, T, c] (one array) → [n, h, w, c] + bias, relu. */
export function winogradStackedOutputImpl(outputTile: WinogradOutputTile, m: Float32Array, bias: Float32Array | undefined,
  n: number, h: number, w: number, c: number, relu: boolean): Float32Array {
  const positions = (outputTile + 2) ** 2;
  const size = m.length / positions;
  const mats = Array.from({ length: positions }, (_, k) => m.subarray(k * size, (k + 1) * size));
  return outputTile === 2 ? winogradOutputTransformImpl(mats, bias, n, h, w, c, relu)
    : winograd4OutputTransformImpl(mats, bias, n, h, w, c, relu);
}
