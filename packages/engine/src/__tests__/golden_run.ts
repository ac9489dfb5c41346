/** Runs one RoIAlign golden on the current backend; returns the max abs error and the tensor balance. */
import * as tf from '@tensorflow/tfjs-core';
import { closeStats } from '../../../../test/helpers/compare';
import { multiLevelRoIAlign } from '../ops/multi_level_roi_align';
import type { RoIAlignGolden } from './roi_align_goldens';

export function runGolden(g: RoIAlignGolden): { maxAbs: number; leaked: number; shape: number[] } {
  const before = tf.memory().numTensors;
  const feats = g.levels.map((l) => tf.tensor4d(l.data, l.shape));
  const rois = tf.tensor2d(g.rois, [g.numRois, 4]);
  const res = multiLevelRoIAlign(feats, rois, g.attrs);
  const out = res.dataSync();
  const shape = res.shape;
  tf.dispose([...feats, rois, res]);
  return { maxAbs: closeStats(out, g.expected).maxAbs, leaked: tf.memory().numTensors - before, shape };
}
