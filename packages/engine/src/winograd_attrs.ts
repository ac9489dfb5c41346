/** The Winograd output transform's attributes as they come back out of tfjs's untyped attr map. */
import type { NamedAttrMap } from '@tensorflow/tfjs-core';
import { EngineArgumentError } from './errors';
import {
  WINOGRAD_POSITIONS, WinogradInputTransform, WinogradOutputTransform, winogradPositions, WinogradStackedInput,
  WinogradStackedOutput,
} from './kernel_names';
import type {
  WinogradInputTransformAttrs, WinogradOutputTile, WinogradOutputTransformAttrs, WinogradStackedOutputAttrs,
} from './kernel_names';

export function resolveWinogradInputAttrs(attrs: NamedAttrMap): WinogradInputTransformAttrs {
  const first = attrs.firstPosition ?? 0;
  const count = attrs.numPositions ?? WINOGRAD_POSITIONS;
  if (typeof first !== 'number' || typeof count !== 'number' || !Number.isInteger(first) || !Number.isInteger(count)
    || first < 0 || count < 1 || first + count > WINOGRAD_POSITIONS) {
    throw new EngineArgumentError(`${WinogradInputTransform}: bad attrs ${JSON.stringify(attrs)} (firstPosition + numPositions within 0..${WINOGRAD_POSITIONS})`);
  }
  return { firstPosition: first, numPositions: count };
}

export function resolveWinogradOutputAttrs(attrs: NamedAttrMap): WinogradOutputTransformAttrs {
  const { height, width, activation } = attrs;
  const act = activation === 'relu' ? 'relu' : activation === 'linear' ? 'linear' : undefined;
  if (typeof height !== 'number' || typeof width !== 'number' || act === undefined) {
    throw new EngineArgumentError(`${WinogradOutputTransform}: bad attrs ${JSON.stringify(attrs)} (height, width: numbers; activation: 'linear' | 'relu')`);
  }
  return { height, width, activation: act };
}

function outputTileOf(kernel: string, attrs: NamedAttrMap): WinogradOutputTile {
  const r = attrs.outputTile;
  if (r !== 2 && r !== 4) throw new EngineArgumentError(`${kernel}: attr outputTile must be 2 or 4, got ${JSON.stringify(r)}`);
  return r;
}

export function resolveWinogradStackedInputAttrs(attrs: NamedAttrMap): { outputTile: WinogradOutputTile } {
  return { outputTile: outputTileOf(WinogradStackedInput, attrs) };
}

/** The stacked output transform's attrs, checked against the products' shape [P, T, C]. */
export function resolveWinogradStackedOutputAttrs(attrs: NamedAttrMap, mShape: readonly number[]): WinogradStackedOutputAttrs {
  const outputTile = outputTileOf(WinogradStackedOutput, attrs);
  const { height, width, activation } = resolveWinogradOutputAttrs(attrs);
  const p = winogradPositions(outputTile);
  const perImage = Math.ceil(height / outputTile) * Math.ceil(width / outputTile);
  if (mShape.length !== 3 || mShape[0] !== p || perImage === 0 || mShape[1] % perImage !== 0) {
    throw new EngineArgumentError(`${WinogradStackedOutput}: m must be [${p}, N·${perImage}, C] for a ${height}x${width} map, got [${mShape}]`);
  }
  return { height, width, activation, outputTile };
}
