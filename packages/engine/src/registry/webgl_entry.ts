/** The webgl backend (tfjs-backend-webgl): browsers only, tensors in float textures on the GPU. */
import * as tf from '@tensorflow/tfjs-core';
import { registerWebGLKernels } from '../kernels/webgl/register_all_kernels';
import { STOCK_KERNEL_PLAN } from './backend_entry';
import { importBackendPackage } from './backend_package';
import type { BackendEntry } from './backend_entry';
import { switchTo } from './switch_backend';

/** Registers the kernels (sync underneath; async as the entry contract). */
async function registerKernels(): Promise<void> {
  registerWebGLKernels();
}

export const webglBackend: BackendEntry<'webgl'> = {
  name: 'webgl',
  capabilities: { threads: false, simd: false, floatTextures: true, gpu: true, environments: ['browser'] },
  // tfjs's own conv2d and matMul (no Winograd kernels on webgl; no lever measured there)
  kernelPlan: STOCK_KERNEL_PLAN,
  registerKernels,
  async init() {
    await importBackendPackage('webgl', '@tensorflow/tfjs-backend-webgl', () => import('@tensorflow/tfjs-backend-webgl'));
    await registerKernels();
    await switchTo('webgl');
    return { backend: 'webgl', simd: false, threads: 1, webglVersion: tf.env().getNumber('WEBGL_VERSION') };
  },
};
