/** A structural match -> canonical WeightMap (PyTorch layouts, BN already folded). */
import { WeightsFormatError } from '../errors';
import { canonicalName, layerKind, splitName, stripCommonPrefix } from '../transform/names';
import { WeightMap } from '../types';
import { MatchResult } from './match';

/**
 * `checkNames`: when a layer's weight carries a canonical name (ONNX initializers often do), it
 * must agree with the structural match: a disagreement means the graph is not what we think.
 */
export function matchToWeightMap(match: MatchResult, file: string, checkNames: boolean): WeightMap {
  const out: WeightMap = new Map();
  const srcNames = [...match.modules.values()].map((l) => l.weight.name);
  const prefix = stripCommonPrefix(srcNames.filter((n) => !n.includes('::')));
  for (const [mod, l] of match.modules) {
    if (checkNames) {
      const [srcMod, field] = splitName(canonicalName(l.weight.name.startsWith(prefix) ? l.weight.name.slice(prefix.length) : l.weight.name));
      if (field === 'weight' && layerKind(srcMod) !== undefined && srcMod !== mod) {
        throw new WeightsFormatError(`graph structure places ${l.op} ${l.id} at ${mod}, its weight is named ${l.weight.name}`, { file, tensor: l.weight.name });
      }
    }
    out.set(`${mod}.weight`, { name: `${mod}.weight`, shape: [...l.weight.shape], dtype: 'float32', data: l.weight.data });
    if (l.bias !== undefined) out.set(`${mod}.bias`, { name: `${mod}.bias`, shape: [...l.bias.shape], dtype: 'float32', data: l.bias.data });
  }
  return out;
}
