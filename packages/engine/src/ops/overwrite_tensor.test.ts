/**
 * overwriteTensor on every registered backend that runs in Node: cpu and wasm write in place (the
 * same tensor, the same data id, no new tensor or byte in tf.memory(), and ops read the new
 * values); argument errors; a tensor whose backend has no writeInPlace is left as it was (false).
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../backends';
import { EngineArgumentError } from '../errors';
import { runsIn } from '../registry/environment';
import { backendEntry, registeredBackends } from '../registry/registry';
import { overwriteTensor } from './overwrite_tensor';

const NODE_BACKENDS = registeredBackends().filter((e) => runsIn(e, 'node')).map((e) => e.name);

describe.each(NODE_BACKENDS)('overwriteTensor on %s', (backend) => {
  beforeAll(async () => {
    await initBackend(backend);
  });

  it('has a writeInPlace entry (cpu and wasm hold tensors in host-writable memory)', () => {
    expect(typeof backendEntry(backend)?.writeInPlace).toBe('function');
  });

  it.each(['float32', 'int32'] as const)('writes %s values in place: same data id, ops see the new values, no allocation', async (dtype) => {
    const Ctor = dtype === 'float32' ? Float32Array : Int32Array;
    const t = tf.tensor3d(new Ctor([1, 2, 3, 4, 5, 6]), [1, 2, 3], dtype);
    const before = tf.memory();
    const dataId = t.dataId;
    for (let k = 0; k < 5; k++) {
      const values = new Ctor(6).map((_, i) => (i + 1) * (k + 10));
      expect(overwriteTensor(t, values)).toBe(true);
      expect(t.dataId).toBe(dataId);
      const sum = tf.sum(t);
      expect(Array.from(await t.data())).toEqual(Array.from(values));
      expect((await sum.data())[0]).toBe(21 * (k + 10));
      sum.dispose();
    }
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
    t.dispose();
  });

  it('refuses a disposed tensor, another dtype or length, and a bool tensor (EngineArgumentError naming the tensor)', () => {
    const t = tf.zeros([2, 3]);
    expect(() => overwriteTensor(t, new Int32Array(6))).toThrow(/values for float32 \[2,3\] must be a Float32Array, got Int32Array/);
    expect(() => overwriteTensor(t, new Float32Array(5))).toThrow(/5 values for float32 \[2,3\] \(6 elements\)/);
    const b = tf.tensor1d([1, 0], 'bool');
    expect(() => overwriteTensor(b, new Int32Array(2))).toThrow(EngineArgumentError);
    b.dispose();
    t.dispose();
    expect(() => overwriteTensor(t, new Float32Array(6))).toThrow(/the tensor float32 \[2,3\] is disposed/);
  });
});

describe('overwriteTensor where the backend cannot', () => {
  it('returns false and changes nothing for a tensor held by a backend without a registry entry', async () => {
    await initBackend('cpu');
    const name = 'mrcnn-test-no-entry';
    // A tfjs backend the registry does not know (as tfjs-node's 'tensorflow' would be): a plain cpu backend instance.
    const { MathBackendCPU } = await import('@tensorflow/tfjs-backend-cpu');
    tf.registerBackend(name, () => new MathBackendCPU());
    await tf.setBackend(name);
    try {
      const t = tf.tensor1d([1, 2, 3]);
      expect(overwriteTensor(t, new Float32Array([7, 8, 9]))).toBe(false);
      expect(Array.from(await t.data())).toEqual([1, 2, 3]);
      t.dispose();
    } finally {
      await tf.setBackend('cpu');
      tf.removeBackend(name);
    }
  });
});
