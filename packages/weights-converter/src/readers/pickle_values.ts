/** Values the safe unpickler can produce: plain data plus lazy references to torch storages/tensors. */

export type StorageDType = 'float32' | 'float16' | 'float64' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool' | 'bfloat16';

/** Bytes per element of each storage type. */
export const ELEMENT_BYTES: Readonly<Record<StorageDType, number>> = {
  float32: 4, float16: 2, float64: 8, int64: 8, int32: 4, int16: 2, int8: 1, uint8: 1, bool: 1, bfloat16: 2,
};

export class PyTuple {
  constructor(readonly items: PyValue[]) {}
}

export class PyDict {
  readonly entries = new Map<string | number, PyValue>();
  /** State set by BUILD (OrderedDict's `_metadata`), ignored by the converter. */
  state: PyValue = null;
}

/** A whitelisted global; `name` is `module.qualname`. */
export class PyGlobal {
  constructor(readonly name: string) {}
}

/** ('storage', type, key, location, numel) persistent id. */
export class StorageRef {
  constructor(readonly dtype: StorageDType, readonly key: string, readonly numel: number) {}
}

/** A torch tensor view over a storage (_rebuild_tensor_v2). */
export class TensorRef {
  constructor(
    readonly storage: StorageRef,
    readonly offset: number,
    readonly shape: number[],
    readonly stride: number[],
  ) {}
}

export type PyValue =
  | null | boolean | number | string | Uint8Array
  | PyValue[] | PyTuple | PyDict | PyGlobal | StorageRef | TensorRef;
