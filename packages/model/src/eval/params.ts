/** Default COCOeval parameters (pycocotools `Params.setDetParams`), with numpy's linspace arithmetic. */
import type { EvalParams } from './types';

/** `np.linspace(start, stop, num)`: i * ((stop - start) / (num - 1)) + start, last element = stop. */
export function linspace(start: number, stop: number, num: number): number[] {
  const step = (stop - start) / (num - 1);
  const out: number[] = [];
  for (let i = 0; i < num; i++) out.push(i * step + start);
  if (num > 1) out[num - 1] = stop;
  return out;
}

export function defaultParams(imgIds: number[] = [], catIds: number[] = []): EvalParams {
  return {
    imgIds: [...imgIds],
    catIds: [...catIds],
    iouThrs: linspace(0.5, 0.95, Math.round((0.95 - 0.5) / 0.05) + 1),
    recThrs: linspace(0, 1, Math.round((1 - 0) / 0.01) + 1),
    maxDets: [1, 10, 100],
    areaRng: [[0, 1e5 ** 2], [0, 32 ** 2], [32 ** 2, 96 ** 2], [96 ** 2, 1e5 ** 2]],
    areaRngLbl: ['all', 'small', 'medium', 'large'],
  };
}
