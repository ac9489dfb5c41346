/**
 * `overwriteTensor(t, values)`: new values for an existing tensor, written in place where the
 * backend holding it allows (its registry entry's `writeInPlace`: cpu, wasm), so a caller that
 * feeds a stream of same-sized inputs (video frames) reuses one tensor instead of allocating one
 * per input. Returns false where the backend cannot (webgl, a backend without an entry): the
 * caller then makes a new tensor. tfjs treats tensors as immutable: overwrite only tensors you
 * created and hold alone, never one a pending computation still reads.
 */
import * as tf from '@tensorflow/tfjs-core';
import { EngineArgumentError } from '../errors';
import { backendEntry, registeredBackends } from '../registry/registry';

function describe(t: tf.Tensor): string {
  return `${t.dtype} [${t.shape.join(',')}]`;
}

/** The registry entry whose tfjs backend instance holds `t`'s data, with that instance. */
function holder(t: tf.Tensor): { backend: tf.KernelBackend; name: string } | undefined {
  const info = tf.engine().state.tensorInfo.get(t.dataId);
  if (info === undefined) return undefined;
  const registry = tf.engine().registry;
  const entry = registeredBackends().find((e) => registry[e.name] === info.backend);
  return entry === undefined ? undefined : { backend: info.backend, name: entry.name };
}

/**
 * Writes `values` into `t` (float32 values into a float32 tensor, int32 into int32, same element
 * count). True when written in place; false when the backend holding `t` cannot (nothing changed).
 * A disposed tensor or mismatched values throw EngineArgumentError.
 */
export function overwriteTensor(t: tf.Tensor, values: Float32Array | Int32Array): boolean {
  if (!(t instanceof tf.Tensor)) throw new EngineArgumentError('overwriteTensor: t must be a tf.Tensor');
  if (t.isDisposed) throw new EngineArgumentError(`overwriteTensor: the tensor ${describe(t)} is disposed`);
  const want = t.dtype === 'float32' ? Float32Array : t.dtype === 'int32' ? Int32Array : undefined;
  if (want === undefined) throw new EngineArgumentError(`overwriteTensor: only float32 and int32 tensors can be overwritten, got ${describe(t)}`);
  if (!(values instanceof want)) {
    throw new EngineArgumentError(`overwriteTensor: values for ${describe(t)} must be a ${want.name}, got ${Object.prototype.toString.call(values).slice(8, -1)}`);
  }
  if (values.length !== t.size) {
    throw new EngineArgumentError(`overwriteTensor: ${values.length} values for ${describe(t)} (${t.size} elements)`);
  }
  const h = holder(t);
  if (h === undefined) return false;
  const write = backendEntry(h.name)?.writeInPlace;
  return write === undefined ? false : write(h.backend, t, values);
}
