/**
 * THE golden kernel suite: one backend-agnostic spec that every registered backend runs
 * (`registeredBackends()`), in Node (kernels/kernel_suite.test.ts) and in headless Chromium
 * (kernels/kernel_suite.browser.test.ts). Per backend: multiLevelRoIAlign on every torchvision
 * golden (test/fixtures/roi-align) and against the typed-array reference, the Winograd transform
 * kernels against the TypeScript reference, a tensor-leak check on every call, and its kernel plan
 * against the kernels it has. A backend whose capabilities say it cannot run in this environment
 * is reported by name, and its `init` must refuse with EngineBackendError.
 * A new backend needs a line in TOLERANCES (measured errors beside), or this suite fails.
 */
import { closeStats } from '../../../../test/helpers/compare';
import type { BackendEntry, BackendEnvironment } from '../registry/backend_entry';
import type { EnabledBackend, InitBackendOptions } from '../registry/enabled_backend';
import { runsIn } from '../registry/environment';
import { registeredBackends } from '../registry/registry';
import { validateRoIAlignAttrs } from '../ops/multi_level_roi_align';
import { multiLevelRoIAlignImpl } from '../kernels/cpu/multi_level_roi_align_impl';
import { winogradInputTransformImpl, winogradOutputTransformImpl } from '../kernels/cpu/winograd_impl';
import type { RoIAlignCase, RoIAlignCaseResult, WinogradCase, WinogradCaseResult } from './kernel_cases';
import { loadRoIAlignGoldens, RoIAlignGolden } from './roi_align_goldens';
import { values } from './values';

export interface KernelTolerance {
  /** multiLevelRoIAlign: max abs error against torchvision 0.14's roi_align. */
  roiAlignVsTorchvision: number;
  /** multiLevelRoIAlign: max abs difference from the cpu reference impl (float64 geometry). */
  roiAlignVsReference: number;
  /** Winograd transforms: max abs difference from the TypeScript reference (0 = bit for bit). */
  winogradVsReference: number;
}

/**
 * Per backend, with the errors measured on every case (Node 20; Chromium 156 with WebGL2 and
 * WebGPU on SwiftShader). Feature values are N(0,1) or up to |17| (real P2..P5), so 1e-4 abs is <= 1e-4
 * relative to their scale; torchvision computes sample coordinates in float32 (P2 coordinates up
 * to ~120 px, ulp ~8e-6 px), which alone gives ~3e-5 against a float64 computation.
 */
export const TOLERANCES: Readonly<Record<string, KernelTolerance>> = {
  // measured (Node, Chromium): vs torchvision 3.8e-5; vs reference 0 (it is the reference); Winograd 0
  cpu: { roiAlignVsTorchvision: 1e-4, roiAlignVsReference: 0, winogradVsReference: 0 },
  // measured (Node 1 thread; Chromium 2 threads, shared heap): vs torchvision 3.8e-5; vs reference 2.9e-6
  // (float32 channel sums, 4 SIMD lanes); Winograd 0 (same summation order as the reference)
  wasm: { roiAlignVsTorchvision: 1e-4, roiAlignVsReference: 5e-6, winogradVsReference: 0 },
  // measured (Chromium, WebGL2 on SwiftShader): vs torchvision 3.5e-5; vs reference 3.8e-5 (geometry in
  // float32, like torchvision's, against the reference's float64); no Winograd kernels
  webgl: { roiAlignVsTorchvision: 1e-4, roiAlignVsReference: 1e-4, winogradVsReference: 0 },
  // measured (Chromium, WebGPU on SwiftShader's Vulkan; vec4 path for C % 4 == 0, scalar for C = 6 and 2):
  // vs torchvision 3.5e-5; vs reference 3.8e-5 (geometry in float32, as webgl); no Winograd kernels
  webgpu: { roiAlignVsTorchvision: 1e-4, roiAlignVsReference: 1e-4, winogradVsReference: 0 },
};

/** What the environment's test file provides: a backend to run cases on (in-process or a page). */
export interface KernelSuiteTarget {
  /** initBackend(name, opts) there; a refusal comes back as the error's name and message. */
  init(name: string, opts: InitBackendOptions): Promise<InitOutcome>;
  roiAlign(c: RoIAlignCase): Promise<RoIAlignCaseResult>;
  winograd(c: WinogradCase): Promise<WinogradCaseResult>;
  close(): Promise<void>;
}

export type InitOutcome =
  | { ok: true; info: EnabledBackend; /** whether the Winograd transform kernels are registered for it */ winogradKernels: boolean }
  | { ok: false; error: string; message: string };

export interface KernelSuiteEnvironment {
  environment: BackendEnvironment;
  openTarget(): Promise<KernelSuiteTarget>;
  /** initBackend options per backend here (e.g. threads where a thread pool can run). */
  initOptions(entry: BackendEntry): InitBackendOptions;
  /** Extra checks of what init reported (e.g. the wasm build that runs in a browser). */
  checkInfo?(entry: BackendEntry, info: EnabledBackend): void;
}

const goldens = loadRoIAlignGoldens();

const references = new Map<string, Float32Array>();
/** The typed-array reference on a golden case (computed once). */
function reference(g: RoIAlignGolden): Float32Array {
  let ref = references.get(g.name);
  if (ref === undefined) {
    const levels = g.levels.map((l) => ({ data: l.data, height: l.shape[1], width: l.shape[2] }));
    ref = multiLevelRoIAlignImpl(levels, g.levels[0].shape[3], g.rois, g.numRois, validateRoIAlignAttrs(g.attrs, g.levels.length));
    references.set(g.name, ref);
  }
  return ref;
}

interface WinogradGolden { run: WinogradCase; transformed: Float32Array[]; output: Float32Array }

/** Odd sizes, a 1x1 map, batches, channels off the 4-lane SIMD width, a group of tile positions. */
function winogradGoldens(): WinogradGolden[] {
  const specs: Array<{ shape: [number, number, number, number]; first: number; count: number; bias: boolean; relu: boolean }> = [
    { shape: [2, 5, 7, 6], first: 0, count: 16, bias: true, relu: true },
    { shape: [1, 8, 12, 8], first: 0, count: 16, bias: false, relu: false },
    { shape: [3, 1, 1, 4], first: 0, count: 16, bias: true, relu: false },
    { shape: [1, 3, 2, 3], first: 4, count: 8, bias: true, relu: true },
  ];
  return specs.map(({ shape, first, count, bias, relu }, i) => {
    const [n, h, w, c] = shape;
    const x = values(n * h * w * c, 11 + i);
    const ref = winogradInputTransformImpl(x, n, h, w, c);
    const b = bias ? values(c, 12 + i) : undefined;
    return {
      run: { name: `[${shape}] positions ${first}..${first + count - 1}`, shape, x, firstPosition: first, numPositions: count,
        products: ref, bias: b, relu },
      transformed: ref.slice(first, first + count),
      output: winogradOutputTransformImpl(ref, b, n, h, w, c, relu),
    };
  });
}

function roiAlignCase(g: RoIAlignGolden): RoIAlignCase {
  return { levelsKey: `${g.features}:${g.levels.length}`, levels: g.levels, rois: g.rois, numRois: g.numRois, attrs: g.attrs };
}

function runnableSuite(env: KernelSuiteEnvironment, entry: BackendEntry, report: string[]): void {
  const tol = TOLERANCES[entry.name];
  let target: KernelSuiteTarget | undefined;
  let winogradKernels = false;
  const opened = (): KernelSuiteTarget => {
    if (target === undefined) throw new Error(`${entry.name}: the target did not open`);
    return target;
  };

  beforeAll(async () => {
    target = await env.openTarget();
    const opts = env.initOptions(entry);
    const r = await target.init(entry.name, opts);
    if (!r.ok) throw new Error(`initBackend('${entry.name}') failed in ${env.environment}: ${r.error}: ${r.message}`);
    report.push(`${entry.name}: ${JSON.stringify(r.info)}`);
    expect(r.info.backend).toBe(entry.name);
    expect(r.info.simd).toBe(entry.capabilities.simd);
    expect(r.info.threads).toBe(opts.threads ?? 1);
    env.checkInfo?.(entry, r.info);
    winogradKernels = r.winogradKernels;
  }, 120000);

  afterAll(async () => {
    await target?.close();
  });

  it('has a tolerance in the suite', () => {
    expect(tol).toBeDefined();
  });

  it('has the kernels its kernel plan asks for', () => {
    if (entry.kernelPlan.winograd) expect(winogradKernels).toBe(true);
    else expect(entry.kernelPlan.winograd).toBe(false);
  });

  it.each(goldens.map((g) => [g.name, g] as const))('multiLevelRoIAlign %s vs torchvision and the reference', async (_name, g) => {
    const r = await opened().roiAlign(roiAlignCase(g));
    expect(r.leaked).toBe(0);
    expect(r.shape).toEqual(g.expectedShape);
    const s = closeStats(r.out, g.expected);
    const d = closeStats(r.out, reference(g));
    report.push(`${entry.name} ${g.name}: vs torchvision ${s.maxAbs.toExponential(2)}, vs reference ${d.maxAbs.toExponential(2)} (${r.ms.toFixed(1)} ms)`);
    expect(s.maxAbs).toBeLessThanOrEqual(tol.roiAlignVsTorchvision);
    expect(d.maxAbs).toBeLessThanOrEqual(tol.roiAlignVsReference);
  });

  it('Winograd transform kernels vs the TypeScript reference, or a plan without them', async () => {
    if (!winogradKernels) {
      report.push(`${entry.name}: no Winograd transform kernels (kernel plan: tfjs's own conv2d)`);
      expect(entry.kernelPlan.winograd).toBe(false);
      return;
    }
    for (const g of winogradGoldens()) {
      const r = await opened().winograd(g.run);
      expect(r.leaked).toBe(0);
      expect(r.transformed).toHaveLength(g.transformed.length);
      const [n, h, w, c] = g.run.shape;
      let worst = 0;
      r.transformed.forEach((t, k) => {
        expect(r.transformedShapes[k]).toEqual([n * Math.ceil(h / 2) * Math.ceil(w / 2), c]);
        worst = Math.max(worst, closeStats(t, g.transformed[k]).maxAbs);
      });
      expect(r.outputShape).toEqual(g.run.shape);
      worst = Math.max(worst, closeStats(r.output, g.output).maxAbs);
      report.push(`${entry.name} Winograd ${g.run.name}: max abs vs reference ${worst.toExponential(2)}`);
      expect(worst).toBeLessThanOrEqual(tol.winogradVsReference);
      expect(r.output.some((v) => v !== 0)).toBe(true);
    }
  });
}

function refusedSuite(env: KernelSuiteEnvironment, entry: BackendEntry, report: string[]): void {
  const where = entry.capabilities.environments.join(', ');
  it(`cannot run in ${env.environment} (capabilities.environments: ${where}): initBackend refuses with EngineBackendError`, async () => {
    const target = await env.openTarget();
    try {
      const r = await target.init(entry.name, env.initOptions(entry));
      report.push(`${entry.name}: not run in ${env.environment} (runs in: ${where})`);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toBe('EngineBackendError');
    } finally {
      await target.close();
    }
  });
}

/** The suite over every registered backend, in registration order; backends refused here last. */
export function describeKernelSuite(env: KernelSuiteEnvironment): void {
  const report: string[] = [];
  const entries = registeredBackends();
  const runnable = entries.filter((e) => runsIn(e, env.environment));
  const refused = entries.filter((e) => !runsIn(e, env.environment));
  describe(`kernel suite in ${env.environment}`, () => {
    it('covers every registered backend, each with a tolerance', () => {
      expect(runnable.length + refused.length).toBe(entries.length);
      expect(runnable.length).toBeGreaterThan(0);
      for (const e of entries) expect({ backend: e.name, tolerance: TOLERANCES[e.name] !== undefined }).toEqual({ backend: e.name, tolerance: true });
    });
    for (const entry of runnable) describe(entry.name, () => runnableSuite(env, entry, report));
    for (const entry of refused) describe(entry.name, () => refusedSuite(env, entry, report));
  });
  afterAll(() => { console.log(`kernel suite in ${env.environment}\n${report.join('\n')}`); });
}
