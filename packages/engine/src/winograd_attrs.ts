/** The Winograd output transform's attributes as they come back out of tfjs's untyped attr map. */
import type { NamedAttrMap } from '@tensorflow/tfjs-core';
import { EngineArgumentError } from './errors';
import { WINOGRAD_POSITIONS, WinogradInputTransform, WinogradOutputTransform } from './kernel_names';
import type { WinogradInputTransformAttrs, WinogradOutputTransformAttrs } from './kernel_names';

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
