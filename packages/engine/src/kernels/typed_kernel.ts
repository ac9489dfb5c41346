/**
 * One typed bridge between our kernels and tfjs's untyped kernel registry: a kernel states which
 * backend class it needs through a type guard and gets its inputs typed by kernel_names.ts
 * (`EngineKernelInputs`), once the bridge has checked that the required ones are there. So no
 * kernel casts its `backend`, `inputs` or `attrs`.
 */
import {
  getKernel, KernelConfig, NamedAttrMap, NamedTensorInfoMap, registerKernel, TensorInfo,
} from '@tensorflow/tfjs-core';
import { EngineArgumentError, EngineBackendError } from '../errors';
import { EngineKernelInputs, EngineKernelName, REQUIRED_INPUTS } from '../kernel_names';

export interface TypedKernelArgs<B, K extends EngineKernelName> {
  inputs: EngineKernelInputs[K];
  backend: B;
  attrs: NamedAttrMap;
}

export interface TypedKernel<B, K extends EngineKernelName> {
  kernelName: K;
  backendName: string;
  /** True when the backend instance is the kind this kernel was written for. */
  isBackend(backend: object): backend is B & object;
  kernelFunc(args: TypedKernelArgs<B, K>): TensorInfo | TensorInfo[];
}

/** The names among `required` that `inputs` lacks. */
function missingInputs(inputs: NamedTensorInfoMap, required: readonly string[]): string[] {
  return required.filter((name) => inputs[name] === undefined);
}

/** True when every input the kernel requires is present: the map is then the kernel's typed inputs. */
function hasRequiredInputs<K extends EngineKernelName>(kernelName: K, inputs: NamedTensorInfoMap): inputs is EngineKernelInputs[K] {
  return missingInputs(inputs, REQUIRED_INPUTS[kernelName]).length === 0;
}

export function toKernelConfig<B, K extends EngineKernelName>(kernel: TypedKernel<B, K>): KernelConfig {
  return {
    kernelName: kernel.kernelName,
    backendName: kernel.backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      if (!kernel.isBackend(backend)) {
        throw new EngineBackendError(`${kernel.kernelName}: backend '${kernel.backendName}' is not the expected kind`);
      }
      if (!hasRequiredInputs(kernel.kernelName, inputs)) {
        const missing = missingInputs(inputs, REQUIRED_INPUTS[kernel.kernelName]);
        throw new EngineArgumentError(`${kernel.kernelName}: missing input(s) ${missing.join(', ')}`);
      }
      return kernel.kernelFunc({ inputs, backend, attrs: attrs ?? {} });
    },
  };
}

/** Registers the kernel unless one is already registered for its (name, backend); true if it did. */
export function registerTypedKernel<B, K extends EngineKernelName>(kernel: TypedKernel<B, K>): boolean {
  if (getKernel(kernel.kernelName, kernel.backendName) !== undefined) return false;
  registerKernel(toKernelConfig(kernel));
  return true;
}

/** The inputs present among `names`, in order, up to the first absent one (the level maps `level0..`). */
export function leadingInputs<T extends TensorInfo>(inputs: { readonly [name: string]: T | undefined },
  names: readonly string[]): T[] {
  const out: T[] = [];
  for (const name of names) {
    const t = inputs[name];
    if (t === undefined) break;
    out.push(t);
  }
  return out;
}
