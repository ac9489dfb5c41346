/**
 * Optional changes of the network's input convention, done on the stem convolution's weights
 * (tfjs HWIO [7,7,3,C]) and the config together so the network computes the same function:
 * - channel order: the stem's input channels are reversed (BGR <-> RGB), and so are mean and std;
 * - std folding: conv((x - mean) / std) = conv'(x - mean) with W'[.,.,i,.] = W[.,.,i,.] / std[i]
 *   (exact: the stem's zero padding is unaffected), leaving std = 1.
 */
import { MissingTensorError, ShapeMismatchError } from '../errors';
import { WeightMap } from '../types';

export interface InputConvention { channelOrder: 'BGR' | 'RGB'; mean: readonly number[]; std: readonly number[] }

const STEM = 'backbone.body.conv1.weight';

function stem(map: WeightMap): Float32Array {
  const t = map.get(STEM);
  if (t === undefined) throw new MissingTensorError('needed to change the input convention', { tensor: STEM });
  if (t.shape.length !== 4 || t.shape[2] !== 3) throw new ShapeMismatchError(`shape [${t.shape}], expected [kh,kw,3,C]`, { tensor: STEM });
  return t.data as Float32Array;
}

/** Returns a new map and convention; `map` is not modified. */
export function changeInput(map: WeightMap, input: InputConvention, to: { channelOrder?: 'BGR' | 'RGB'; foldStd?: boolean }): { weights: WeightMap; input: InputConvention } {
  const src = stem(map);
  const t = map.get(STEM)!;
  const cout = t.shape[3];
  const w = Float32Array.from(src);
  let next: InputConvention = { channelOrder: input.channelOrder, mean: [...input.mean], std: [...input.std] };
  if (to.channelOrder !== undefined && to.channelOrder !== input.channelOrder) {
    for (let p = 0; p < w.length / (3 * cout); p++) {
      for (let o = 0; o < cout; o++) {
        w[(p * 3 + 0) * cout + o] = src[(p * 3 + 2) * cout + o];
        w[(p * 3 + 2) * cout + o] = src[(p * 3 + 0) * cout + o];
      }
    }
    next = { channelOrder: to.channelOrder, mean: [...next.mean].reverse(), std: [...next.std].reverse() };
  }
  if (to.foldStd === true) {
    for (let p = 0; p < w.length / (3 * cout); p++) {
      for (let i = 0; i < 3; i++) for (let o = 0; o < cout; o++) w[(p * 3 + i) * cout + o] = Math.fround(w[(p * 3 + i) * cout + o] / next.std[i]);
    }
    next = { ...next, std: [1, 1, 1] };
  }
  const weights: WeightMap = new Map(map);
  weights.set(STEM, { ...t, data: w });
  return { weights, input: next };
}
