/** ONNX TensorProto -> NamedTensor (float32, float16, double -> float32; int32/int64 -> int32). */
import { WeightsFormatError } from '../errors';
import { NamedTensor, numElements } from '../types';
import { copyBytes } from '../util/bytes';
import { halfArrayToFloat32 } from '../util/half';
import { ONNX_DTYPE, TensorProto } from './schema';

/** Largest element count of one initializer (2^28 floats = 1 GiB; the largest 0049 weight has 2.3 M). */
export const MAX_ELEMENTS = 2 ** 28;

export function decodeTensor(t: TensorProto, file: string): NamedTensor {
  const name = t.name;
  if (t.dataLocation === 1 || t.externalData.length > 0) {
    const loc = t.externalData.find((e) => e.key === 'location');
    throw new WeightsFormatError(`tensor data is stored externally${loc ? ` in ${loc.value}` : ''}; convert from a model with embedded weights`, { file, tensor: name });
  }
  const shape = t.dims.map(Number);
  if (shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    throw new WeightsFormatError(`dims [${shape}] are not non-negative integers`, { file, tensor: name });
  }
  const n = numElements(shape);
  if (n > MAX_ELEMENTS) {
    throw new WeightsFormatError(`dims [${shape}] give ${n} elements, more than the ${MAX_ELEMENTS} a weight may hold`, { file, tensor: name });
  }
  const raw = t.rawData.length > 0 ? t.rawData : undefined;
  const sized = (bytesPer: number): Uint8Array => {
    if (raw === undefined) throw new Error('unreachable');
    if (raw.length !== n * bytesPer) {
      throw new WeightsFormatError(`raw_data holds ${raw.length} bytes, shape [${shape}] needs ${n * bytesPer}`, { file, tensor: name });
    }
    return copyBytes(raw, 0, raw.length);
  };
  const counted = <T extends { length: number }>(arr: T): T => {
    if (arr.length !== n) throw new WeightsFormatError(`holds ${arr.length} values, shape [${shape}] needs ${n}`, { file, tensor: name });
    return arr;
  };
  switch (t.dataType) {
    case ONNX_DTYPE.FLOAT: {
      const data = raw !== undefined ? new Float32Array(sized(4).buffer) : counted(Float32Array.from(t.floatData));
      return { name, shape, dtype: 'float32', data };
    }
    case ONNX_DTYPE.FLOAT16: {
      const bits = raw !== undefined ? new Uint16Array(sized(2).buffer) : counted(Uint16Array.from(t.int32Data));
      return { name, shape, dtype: 'float32', data: halfArrayToFloat32(bits) };
    }
    case ONNX_DTYPE.DOUBLE: {
      const data = raw !== undefined ? Float32Array.from(new Float64Array(sized(8).buffer)) : counted(Float32Array.from(t.doubleData));
      return { name, shape, dtype: 'float32', data };
    }
    case ONNX_DTYPE.INT32: {
      const data = raw !== undefined ? new Int32Array(sized(4).buffer) : counted(Int32Array.from(t.int32Data));
      return { name, shape, dtype: 'int32', data };
    }
    case ONNX_DTYPE.INT64: {
      const vals = raw !== undefined ? Array.from(new BigInt64Array(sized(8).buffer), Number) : counted(t.int64Data.map(Number));
      return { name, shape, dtype: 'int32', data: Int32Array.from(vals.map((v) => Math.max(-2147483648, Math.min(2147483647, v)))) };
    }
    default:
      throw new WeightsFormatError(`unsupported ONNX data_type ${t.dataType}`, { file, tensor: name });
  }
}
