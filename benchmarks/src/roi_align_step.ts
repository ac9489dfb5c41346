/**
 * The engine's RoIAlign micro-benchmark (benchmarks/roi_align, `runRoiAlignBench`) as one step of
 * the harness, in its own worker process like the subjects (it switches the global tfjs backend).
 */
import { runRoiAlignBench, RoiAlignBenchBackend, RoiAlignBenchResult } from '../roi_align';

export interface RoiAlignRequest { roiAlign: { backends: RoiAlignBenchBackend[]; quick: boolean; threads?: number } }

export function isRoiAlignRequest(x: unknown): x is RoiAlignRequest {
  return typeof x === 'object' && x !== null && 'roiAlign' in x;
}

export function runRoiAlignStep(req: RoiAlignRequest, progress: (what: string, done: number, total: number) => void): Promise<RoiAlignBenchResult> {
  return runRoiAlignBench({ ...req.roiAlign, onProgress: progress });
}

export { roiAlignBenchMarkdown } from '../roi_align';
export type { RoiAlignBenchResult } from '../roi_align';
