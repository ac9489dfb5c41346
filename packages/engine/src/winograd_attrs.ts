/** The Winograd output transform's attributes as they come back out of tfjs's untyped attr map. */
import type { NamedAttrMap } from '@tensorflow/tfjs-core';
import type { WinogradOutputTransformAttrs } from './kernel_names';

export function resolveWinogradOutputAttrs(attrs: NamedAttrMap): WinogradOutputTransformAttrs {
  const { height, width, activation } = attrs;
  const act = activation === 'relu' ? 'relu' : activation === 'linear' ? 'linear' : undefined;
  if (typeof height !== 'number' || typeof width !== 'number' || act === undefined) {
    throw new Error(`WinogradOutputTransform: bad attrs ${JSON.stringify(attrs)}`);
  }
  return { height, width, activation: act };
}
