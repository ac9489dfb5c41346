/**
 * The ops' one way into `runKernel`: inputs typed by kernel_names.ts (`EngineKernelInputs` with
 * tf.Tensor values) become tfjs's NamedTensorMap, absent optional inputs left out. The caller owns
 * the returned tensors.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { EngineKernelInputs, EngineKernelName, EngineKernelOutputs, KernelInputMap } from '../kernel_names';

export function runEngineKernel<K extends EngineKernelName>(kernelName: K, inputs: EngineKernelInputs<tf.Tensor>[K],
  attrs: tf.NamedAttrMap = {}): EngineKernelOutputs[K] {
  const given: KernelInputMap<tf.Tensor> = inputs;
  const named: tf.NamedTensorMap = {};
  for (const [name, t] of Object.entries(given)) {
    if (t !== undefined) named[name] = t;
  }
  return tf.engine().runKernel<EngineKernelOutputs[K]>(kernelName, named, attrs);
}
