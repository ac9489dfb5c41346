/** The cpu backend (tfjs-backend-cpu, plain JS): the reference every other backend is tested against. */
import { registerCpuKernels } from '../kernels/cpu/register_all_kernels';
import { cpuWriteInPlace } from '../kernels/cpu/write_in_place';
import { STOCK_KERNEL_PLAN } from './backend_entry';
import { importBackendPackage } from './backend_package';
import type { BackendEntry } from './backend_entry';
import { switchTo } from './switch_backend';

/** Registers the kernels (sync underneath; async as the entry contract). */
async function registerKernels(): Promise<void> {
  registerCpuKernels();
}

export const cpuBackend: BackendEntry<'cpu'> = {
  name: 'cpu',
  capabilities: { threads: false, simd: false, floatTextures: false, gpu: false, environments: ['node', 'browser'] },
  kernelPlan: STOCK_KERNEL_PLAN,
  registerKernels,
  writeInPlace: cpuWriteInPlace,
  async init() {
    await importBackendPackage('cpu', '@tensorflow/tfjs-backend-cpu', () => import('@tensorflow/tfjs-backend-cpu'));
    await registerKernels();
    await switchTo('cpu');
    return { backend: 'cpu', simd: false, threads: 1 };
  },
};
