/**
 * ONNX TensorProto -> NamedTensor, for the tensors a reader actually needs (decoding is lazy: see
 * values.ts). Values come from raw_data, the typed repeated fields, or external data (a file beside
 * the model, read through an `ExternalDataReader` that the caller supplies; without one, external
 * tensors are refused). Every size is checked against the shape; dims above MAX_ELEMENTS are refused.
 */
import { WeightsFormatError } from '../errors';
import { NamedTensor, numElements } from '../types';
import { copyBytes } from '../util/bytes';
import { decodeField, decodeRaw, dtypeName, onnxDType } from './dtypes';
import { TensorProto } from './schema';

/** Largest element count of one initializer (2^28 floats = 1 GiB; the largest 0049 weight has 2.3 M). */
export const MAX_ELEMENTS = 2 ** 28;

/**
 * Bytes of an external data file named by a tensor's `location` (relative to the model's directory).
 * The reader of convert.ts confines it to that directory and to the input size limit.
 */
export type ExternalDataReader = (location: string, tensor: string) => Uint8Array;

function externalBytes(t: TensorProto, file: string, read: ExternalDataReader | undefined, bytes: number): Uint8Array {
  const name = t.name;
  const kv = new Map(t.externalData.map((e) => [e.key, e.value]));
  const location = kv.get('location');
  if (location === undefined || location === '') throw new WeightsFormatError('external data without a location', { file, tensor: name });
  if (read === undefined) {
    throw new WeightsFormatError(`tensor data is stored externally in ${location}; convert the .onnx file from its directory (the data file beside it) or a model with embedded weights`, { file, tensor: name });
  }
  const data = read(location, name);
  const offset = kv.has('offset') ? Number(kv.get('offset')) : 0;
  const length = kv.has('length') ? Number(kv.get('length')) : data.length - offset;
  if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length) || length < 0) {
    throw new WeightsFormatError(`external data offset ${kv.get('offset')} / length ${kv.get('length')} are not byte counts`, { file, tensor: name });
  }
  if (offset + length > data.length) {
    throw new WeightsFormatError(`external data [${offset}, ${offset + length}) lies past the end of ${location} (${data.length} bytes)`, { file, tensor: name });
  }
  if (length !== bytes) throw new WeightsFormatError(`external data holds ${length} bytes, the shape needs ${bytes}`, { file, tensor: name });
  return data.subarray(offset, offset + length);
}

export function decodeTensor(t: TensorProto, file: string, external?: ExternalDataReader): NamedTensor {
  const name = t.name;
  const shape = t.dims.map(Number);
  if (shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    throw new WeightsFormatError(`dims [${shape}] are not non-negative integers`, { file, tensor: name });
  }
  const n = numElements(shape);
  if (n > MAX_ELEMENTS) {
    throw new WeightsFormatError(`dims [${shape}] give ${n} elements, more than the ${MAX_ELEMENTS} a weight may hold`, { file, tensor: name });
  }
  const d = onnxDType(t.dataType);
  if (d === undefined || d.kind === undefined) {
    throw new WeightsFormatError(`data_type ${dtypeName(t.dataType)} cannot be converted to numbers`, { file, tensor: name });
  }
  const bytes = Math.ceil(n * d.bytes);
  let raw: Uint8Array | undefined;
  if (t.dataLocation === 1 || t.externalData.length > 0) raw = externalBytes(t, file, external, bytes);
  else if (t.rawData.length > 0) raw = t.rawData;
  if (raw !== undefined) {
    if (raw.length !== bytes) {
      throw new WeightsFormatError(`raw_data holds ${raw.length} bytes, shape [${shape}] needs ${bytes}`, { file, tensor: name });
    }
    const data = decodeRaw(d, copyBytes(raw, 0, raw.length), n);
    return { name, shape, dtype: d.kind, data };
  }
  const values = (t[d.field!] ?? []) as readonly (number | string)[];
  const want = d.bytes < 1 ? Math.ceil(n / 2) : n;
  if (values.length !== want) throw new WeightsFormatError(`holds ${values.length} values, shape [${shape}] needs ${want}`, { file, tensor: name });
  return { name, shape, dtype: d.kind, data: decodeField(d, values, n) };
}
