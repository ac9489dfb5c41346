/**
 * This project in headless Chromium (Debian's /usr/bin/chromium via playwright-core), served
 * cross-origin isolated so wasm threads are allowed: webgl or webgpu (both on SwiftShader here, i.e.
 * CPU-emulated; webgpu also reports its GPU work: dispatches, read-backs, GPU memory, shader
 * compile time) or wasm. Uses the shared Chromium/COOP-COEP helpers of test/browser.
 */
import * as path from 'path';
import {
  bundlePage, ChromiumSession, IsolatedServer, launchChromium, memoryFiles, serveIsolated, Served, testPageHtml, tfjsWasmBinaries,
} from '../../../test/browser/chromium';
import type { BenchPageGlobal, BenchPageInput } from '../browser/bench_page';
import { modelFiles } from '../browser/model_files';
import { ImageInput, REPO_ROOT } from '../inputs';
import { RunOutput, SubjectRunner } from '../measure';
import { BenchInputs, GpuFigures, Stage, SubjectSpec, TfMemory } from '../types';
import { STAGE_OF } from './stage_map';

const PAGE = path.join(REPO_ROOT, 'benchmarks', 'src', 'browser', 'bench_page.ts');

export class BrowserRunner implements SubjectRunner {
  private chrome?: ChromiumSession;
  private server?: IsolatedServer;
  private afterLoad?: TfMemory;
  private afterRuns?: TfMemory;

  constructor(private readonly spec: SubjectSpec, private readonly inputs: BenchInputs, private readonly images: readonly ImageInput[]) {}

  private pageLoadMs?: number;

  loadMs(): number {
    if (this.pageLoadMs === undefined) throw new Error('browser subject: load() first');
    return this.pageLoadMs;
  }

  async load(): Promise<Record<string, string | number | boolean>> {
    const files = modelFiles(this.inputs.oracleDir, this.inputs.widthDiv);
    const served: Record<string, Served> = {
      '/': testPageHtml('mrcnn bench'),
      '/bundle.js': await bundlePage(PAGE),
      '/model/model.json': { body: files.modelJson, type: 'application/json' },
      '/model/weights.bin': { body: files.weightsBin, type: 'application/octet-stream' },
    };
    const pageInputs: BenchPageInput[] = this.images.map((im) => {
      served[`/inputs/${im.stem}.bin`] = { body: Buffer.from(im.imData.buffer, im.imData.byteOffset, im.imData.byteLength), type: 'application/octet-stream' };
      return {
        stem: im.stem, imDataUrl: `/inputs/${im.stem}.bin`,
        imDataShape: im.imDataShape as [number, number, number, number], imInfo: Array.from(im.imInfo) as [number, number, number],
      };
    });
    this.server = await serveIsolated(memoryFiles(served), tfjsWasmBinaries());
    this.chrome = await launchChromium();
    const page = this.chrome.page;
    const t0 = performance.now(); // what a page pays: navigation, backend init, weights (not the set-up above)
    await page.goto(`${this.server.origin}/`);
    await page.waitForFunction(() => 'mrcnnBench' in self);
    const backend = this.spec.backend ?? 'webgl';
    const info = await page.evaluate(([b, t]) => (self as unknown as BenchPageGlobal).mrcnnBench.init(b, t), [backend, this.spec.threads] as const);
    if (info.threads < this.spec.threads) throw new Error(`browser ${backend}: ${info.threads} thread(s), ${this.spec.threads} requested (isolated: ${info.isolated})`);
    this.afterLoad = await page.evaluate((list) => (self as unknown as BenchPageGlobal).mrcnnBench.load('/model/model.json', list), pageInputs);
    this.pageLoadMs = performance.now() - t0;
    const chromium = /Chrome\/([\d.]+)/.exec(info.userAgent)?.[1] ?? 'unknown';
    return {
      backend: info.backend, threads: info.threads, simd: info.simd, isolated: info.isolated, chromium,
      ...(info.renderer ? { renderer: info.renderer } : {}), ...(info.gpuAdapter ? { gpuAdapter: info.gpuAdapter } : {}),
    };
  }

  async run(input: ImageInput): Promise<RunOutput> {
    if (!this.chrome) throw new Error('browser subject: load() first');
    const r = await this.chrome.page.evaluate((stem) => (self as unknown as BenchPageGlobal).mrcnnBench.run(stem), input.stem);
    const stages: Partial<Record<Stage, number>> = {};
    for (const [name, ms] of r.stages) stages[STAGE_OF[name]] = (stages[STAGE_OF[name]] ?? 0) + ms;
    this.afterRuns = await this.chrome.page.evaluate(() => (self as unknown as BenchPageGlobal).mrcnnBench.memory());
    return { ms: r.ms, stages, counts: { detections: r.detections, detectionRows: r.detectionRows, rois: null } };
  }

  /** WebGPU: the GPU work, counted on the page after the runs (one more untimed run on the first image). */
  async gpu(): Promise<GpuFigures | undefined> {
    if (!this.chrome) throw new Error('browser subject: load() first');
    const stem = this.images[0].stem;
    return this.chrome.page.evaluate((s) => (self as unknown as BenchPageGlobal).mrcnnBench.gpu(s), stem);
  }

  /** The harness process's RSS says nothing of Chromium's: reported as unknown (NaN → null in JSON). */
  memory(): { peakRssMiB: number; tfMemory?: { afterLoad: TfMemory; afterRuns: TfMemory } } {
    const tfMemory = this.afterLoad && this.afterRuns ? { afterLoad: this.afterLoad, afterRuns: this.afterRuns } : undefined;
    return { peakRssMiB: NaN, tfMemory };
  }

  async dispose(): Promise<void> {
    await this.chrome?.close();
    await this.server?.close();
  }
}
