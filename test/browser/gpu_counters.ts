/**
 * Page-side counters of what a WebGPU backend asks of the GPU, by wrapping WebGPU's prototypes (the
 * wrappers count and pass everything through): compute dispatches, read-backs (GPUBuffer.mapAsync
 * for reading: each tensor download maps one staging buffer), and compute pipelines created, with
 * their WGSL kept so that their compilation can be timed apart afterwards (`timeCompiles`). These
 * figures do not depend on how fast the GPU is (or how slowly SwiftShader emulates one).
 * Used by test/browser/model_page.ts (read-backs per execute) and the bench's browser subjects.
 * Install once per page, before the backend runs.
 */

export interface GpuCounts {
  dispatches: number;
  readBacks: number;
  pipelines: number;
}

export interface CompileTiming {
  /** Pipelines recompiled (every one created since install). */
  pipelines: number;
  /** Their compilation one after the other (createComputePipelineAsync of the same WGSL), ms. */
  ms: number;
}

interface CreatedPipeline { code: string; entryPoint: string }

const counts: GpuCounts = { dispatches: 0, readBacks: 0, pipelines: 0 };
const created: CreatedPipeline[] = [];
const moduleCode = new WeakMap<GPUShaderModule, string>();
let installed = false;
let timing = false;

/** Wraps WebGPU's prototypes (idempotent); false where the page has no WebGPU. */
export function installGpuCounters(): boolean {
  if (installed) return true;
  if (typeof GPUDevice === 'undefined' || typeof GPUComputePassEncoder === 'undefined' || typeof GPUBuffer === 'undefined') return false;
  installed = true;
  const dispatch = GPUComputePassEncoder.prototype.dispatchWorkgroups;
  GPUComputePassEncoder.prototype.dispatchWorkgroups = function (this: GPUComputePassEncoder, ...a: Parameters<typeof dispatch>) {
    counts.dispatches++;
    return dispatch.apply(this, a);
  };
  const mapAsync = GPUBuffer.prototype.mapAsync;
  GPUBuffer.prototype.mapAsync = function (this: GPUBuffer, ...a: Parameters<typeof mapAsync>) {
    if ((a[0] & GPUMapMode.READ) !== 0) counts.readBacks++;
    return mapAsync.apply(this, a);
  };
  const createModule = GPUDevice.prototype.createShaderModule;
  GPUDevice.prototype.createShaderModule = function (this: GPUDevice, ...a: Parameters<typeof createModule>) {
    const m = createModule.apply(this, a);
    moduleCode.set(m, a[0].code);
    return m;
  };
  const record = (d: GPUComputePipelineDescriptor): void => {
    if (timing) return;
    counts.pipelines++;
    const code = moduleCode.get(d.compute.module);
    if (code !== undefined) created.push({ code, entryPoint: d.compute.entryPoint ?? 'main' });
  };
  const create = GPUDevice.prototype.createComputePipeline;
  GPUDevice.prototype.createComputePipeline = function (this: GPUDevice, ...a: Parameters<typeof create>) {
    record(a[0]);
    return create.apply(this, a);
  };
  const createAsync = GPUDevice.prototype.createComputePipelineAsync;
  GPUDevice.prototype.createComputePipelineAsync = function (this: GPUDevice, ...a: Parameters<typeof createAsync>) {
    record(a[0]);
    return createAsync.apply(this, a);
  };
  return true;
}

/** The counts since install (take differences around a call). */
export function gpuCounts(): GpuCounts {
  return { ...counts };
}

/**
 * Compiles every pipeline created so far again, one at a time, and times it: each WGSL source gets
 * a unique trailing comment so no shader or pipeline cache answers. This is the shader compile time
 * a first run pays (there, compilation overlaps the dispatches queued before it).
 */
export async function timeCompiles(device: GPUDevice): Promise<CompileTiming> {
  timing = true;
  try {
    const t0 = performance.now();
    for (const [i, p] of created.entries()) {
      const module = device.createShaderModule({ code: `${p.code}\n// mrcnn compile timing ${i} ${t0}\n` });
      await device.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: p.entryPoint } });
    }
    return { pipelines: created.length, ms: performance.now() - t0 };
  } finally {
    timing = false;
  }
}
