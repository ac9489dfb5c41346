/**
 * The webgpu backend (tfjs-backend-webgpu): browsers with WebGPU, tensors in GPU storage buffers,
 * tfjs's own WGSL kernels for every layer and this package's RoIAlign as a WGSL compute kernel
 * (kernels/webgpu). tfjs-backend-webgpu is loaded only here, after the adapter probe.
 */
import * as tf from '@tensorflow/tfjs-core';
import { probeWebGPUAdapter } from '../backend_setup/webgpu_adapter';
import { EngineBackendError } from '../errors';
import { isWebGPUBackend } from '../kernels/webgpu/MultiLevelRoIAlign';
import { registerWebGPUKernels } from '../kernels/webgpu/register_all_kernels';
import { STOCK_KERNEL_PLAN } from './backend_entry';
import { importBackendPackage } from './backend_package';
import type { BackendEntry } from './backend_entry';
import { switchTo } from './switch_backend';

/** Registers the kernels (sync underneath; async as the entry contract). */
async function registerKernels(): Promise<void> {
  registerWebGPUKernels();
}

export const webgpuBackend: BackendEntry<'webgpu'> = {
  name: 'webgpu',
  capabilities: { threads: false, simd: false, floatTextures: false, gpu: true, environments: ['browser'] },
  // tfjs's own conv2d (implicit GEMM) and matMul in WGSL: no Winograd kernels, fc6 in one piece
  kernelPlan: STOCK_KERNEL_PLAN,
  registerKernels,
  // no writeInPlace: tensors live in GPU storage buffers, so overwriteTensor returns false here and
  // callers (e.g. @mrcnn/video's network input) make a new tensor per frame, as on webgl
  async init() {
    const adapter = await probeWebGPUAdapter();
    await importBackendPackage('webgpu', '@tensorflow/tfjs-backend-webgpu', () => import('@tensorflow/tfjs-backend-webgpu'));
    await registerKernels();
    await switchTo('webgpu');
    const backend = tf.backend();
    if (!isWebGPUBackend(backend)) throw new EngineBackendError('initBackend: the webgpu backend is not a tfjs-backend-webgpu WebGPUBackend');
    return { backend: 'webgpu', simd: false, threads: 1, gpuAdapter: adapter };
  },
};
