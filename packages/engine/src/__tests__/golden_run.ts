/** Runs one RoIAlign golden on the current backend; returns the max abs error and the tensor balance. */
import { closeStats } from '../../../../test/helpers/compare';
import { runRoIAlignCase } from './kernel_cases';
import type { RoIAlignGolden } from './roi_align_goldens';

export async function runGolden(g: RoIAlignGolden): Promise<{ maxAbs: number; leaked: number; shape: number[] }> {
  const r = await runRoIAlignCase({ levelsKey: g.features, levels: g.levels, rois: g.rois, numRois: g.numRois, attrs: g.attrs });
  return { maxAbs: closeStats(r.out, g.expected).maxAbs, leaked: r.leaked, shape: r.shape };
}
