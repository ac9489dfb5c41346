/**
 * Whether this environment has a WebGPU adapter, asked before tfjs-backend-webgpu is loaded: its
 * own factory dereferences a null adapter, which tfjs reports only as a console warning. Here a
 * missing `navigator.gpu` (Node, browsers without WebGPU) or a null adapter (e.g. Chromium on Linux
 * without --enable-unsafe-webgpu) is an EngineBackendError saying which.
 */
import { EngineBackendError } from '../errors';

/** The adapter WebGPU gives this page, as EnabledBackend reports it. */
export interface WebGPUAdapterReport {
  vendor: string;
  architecture: string;
  /** A fallback (software) adapter, e.g. SwiftShader: GPU time is then CPU time. */
  fallback: boolean;
}

/** tfjs-backend-webgpu asks for the high-performance adapter; the probe asks for the same one. */
export async function probeWebGPUAdapter(): Promise<WebGPUAdapterReport> {
  const gpu = typeof navigator === 'undefined' ? undefined : navigator.gpu;
  if (gpu === undefined) {
    throw new EngineBackendError('initBackend: WebGPU is not available here (no navigator.gpu: Node, a non-secure page, or a browser without WebGPU)');
  }
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (adapter === null) {
    throw new EngineBackendError('initBackend: navigator.gpu.requestAdapter() gave no WebGPU adapter '
      + '(Chromium on Linux needs --enable-unsafe-webgpu; headless, add --use-webgpu-adapter=swiftshader for its software adapter)');
  }
  // `info` (and its isFallbackAdapter) is current WebGPU; GPUAdapter.isFallbackAdapter the older spelling.
  const info: Partial<GPUAdapterInfo & { isFallbackAdapter: boolean }> = 'info' in adapter ? (adapter as { info: GPUAdapterInfo }).info : {};
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    fallback: info.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false,
  };
}
