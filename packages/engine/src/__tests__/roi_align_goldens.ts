/**
 * The torchvision goldens of test/fixtures/roi-align (tools/oracle/roi_align_cases.py), as plain
 * arrays that any backend (or a browser page) can consume.
 */
import * as path from 'path';
import { FIXTURES } from '../../../../test/helpers/paths';
import { readTensorDump } from '../../../../test/helpers/tensor_dump';
import type { MultiLevelRoIAlignAttrs } from '../kernel_names';

export const ROI_ALIGN_FIXTURE = path.join(FIXTURES, 'roi-align', 'cases');

export interface GoldenLevel { shape: [number, number, number, number]; data: Float32Array }

export interface RoIAlignGolden {
  name: string;
  levels: GoldenLevel[];
  rois: Float32Array;
  numRois: number;
  attrs: MultiLevelRoIAlignAttrs;
  expected: Float32Array;
  expectedShape: number[];
  /** Which feature maps: 'real' (K=8 oracle model's P2..P5) or random ('c8', 'c6', 'c2'). */
  features: string;
  /** RoIs per level as the oracle mapped them. */
  levelCounts: number[];
}

interface CaseMeta {
  name: string; features: string; numLevels: number; attrs: MultiLevelRoIAlignAttrs; levelCounts: number[];
}

function float32(data: ArrayLike<number>, what: string): Float32Array {
  if (!(data instanceof Float32Array)) throw new Error(`${what} is not float32`);
  return data;
}

export function loadRoIAlignGoldens(): RoIAlignGolden[] {
  const dump = readTensorDump(ROI_ALIGN_FIXTURE);
  const cases = dump.meta.cases as CaseMeta[];
  return cases.map((c) => {
    const levels: GoldenLevel[] = [];
    for (let i = 0; i < c.numLevels; i++) {
      const t = dump.get(`${c.features}_level${i}`);
      const [b, h, w, ch] = t.shape;
      levels.push({ shape: [b, h, w, ch], data: float32(t.data, t.name) });
    }
    const rois = dump.get(`${c.name}_rois`);
    const out = dump.get(`${c.name}_out`);
    return {
      name: c.name, levels, rois: float32(rois.data, rois.name), numRois: rois.shape[0],
      attrs: c.attrs, expected: float32(out.data, out.name), expectedShape: out.shape,
      features: c.features, levelCounts: c.levelCounts,
    };
  });
}
