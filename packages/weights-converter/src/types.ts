/** A named tensor in row-major order. */
export type TensorDType = 'float32' | 'int32';

export interface NamedTensor {
  name: string;
  shape: number[];
  dtype: TensorDType;
  data: Float32Array | Int32Array;
}

/** Tensors by name (insertion order is kept and is meaningful for the writer). */
export type WeightMap = Map<string, NamedTensor>;

export function numElements(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function float32Tensor(name: string, shape: number[], data: Float32Array): NamedTensor {
  return { name, shape, dtype: 'float32', data };
}
