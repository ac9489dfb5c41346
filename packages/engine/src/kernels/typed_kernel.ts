/**
 * One typed bridge between our kernels and tfjs's untyped kernel registry: a kernel states which
 * backend class it needs through a type guard, so no kernel casts its `backend` or `attrs`.
 */
import {
  getKernel, KernelConfig, NamedAttrMap, NamedTensorInfoMap, registerKernel, TensorInfo,
} from '@tensorflow/tfjs-core';

export interface TypedKernelArgs<B> {
  inputs: NamedTensorInfoMap;
  backend: B;
  attrs: NamedAttrMap;
}

export interface TypedKernel<B> {
  kernelName: string;
  backendName: string;
  /** True when the backend instance is the kind this kernel was written for. */
  isBackend(backend: object): backend is B & object;
  kernelFunc(args: TypedKernelArgs<B>): TensorInfo | TensorInfo[];
}

export function toKernelConfig<B>(kernel: TypedKernel<B>): KernelConfig {
  return {
    kernelName: kernel.kernelName,
    backendName: kernel.backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      if (!kernel.isBackend(backend)) {
        throw new Error(`${kernel.kernelName}: backend '${kernel.backendName}' is not the expected kind`);
      }
      return kernel.kernelFunc({ inputs, backend, attrs: attrs ?? {} });
    },
  };
}

/** Registers the kernel unless one is already registered for its (name, backend); true if it did. */
export function registerTypedKernel<B>(kernel: TypedKernel<B>): boolean {
  if (getKernel(kernel.kernelName, kernel.backendName) !== undefined) return false;
  registerKernel(toKernelConfig(kernel));
  return true;
}

/** The input tensor info under `name`; kernels assume the op validated it. */
export function requireInput(inputs: NamedTensorInfoMap, name: string): TensorInfo {
  const t = inputs[name];
  if (t === undefined) throw new Error(`missing kernel input ${name}`);
  return t;
}

/** The level inputs `level0..level{L-1}` in order. */
export function levelInputs(inputs: NamedTensorInfoMap, levelName: (i: number) => string): TensorInfo[] {
  const out: TensorInfo[] = [];
  for (let i = 0; inputs[levelName(i)] !== undefined; i++) out.push(requireInput(inputs, levelName(i)));
  return out;
}
