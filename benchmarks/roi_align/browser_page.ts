/** Browser side of the Chromium run of the RoIAlign micro-benchmark (chromium.ts): exposes runRoiAlignBench. */
import { RoiAlignBenchOptions, RoiAlignBenchResult, runRoiAlignBench } from './index';

type PageOptions = Omit<RoiAlignBenchOptions, 'onProgress'>;

declare global {
  interface Window { roiAlignBench: (opts: PageOptions) => Promise<RoiAlignBenchResult> }
}

self.roiAlignBench = (opts: PageOptions) => runRoiAlignBench(opts);
