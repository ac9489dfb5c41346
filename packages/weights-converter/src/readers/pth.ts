/**
 * PyTorch `.pth` reader. Zip serialization (torch >= 1.6): `<archive>/data.pkl` unpickled by the
 * safe unpickler, tensors materialized from `<archive>/data/<key>` storages with their offsets and
 * strides. Legacy serialization (torch.save before torch 1.6, so presumably torchvision's 2019 COCO checkpoints):
 * ./pth_legacy. Returns one WeightMap in the checkpoint's own names.
 */
import { UnzipFileInfo, unzipSync } from 'fflate';
import { MissingTensorError, WeightsFormatError } from '../errors';
import { NamedTensor, WeightMap, numElements } from '../types';
import { float32At } from '../util/bytes';
import { halfToFloat } from '../util/half';
import { safeUnpickle } from './pickle';
import { isLegacyPth, readLegacyPth } from './pth_legacy';
import { checkZipDirectory } from './zip_directory';
import { ELEMENT_BYTES, PyDict, PyValue, StorageDType, StorageRef, TensorRef } from './pickle_values';

/** Decompressed size limit of a checkpoint (the 0049 and torchvision COCO checkpoints are ~170 MB). */
export const MAX_UNZIPPED_BYTES = 2 * 1024 ** 3;
/** torch.save stores entries uncompressed; a compressed entry above 16 MiB expanding > 100x is refused. */
const BOMB_MIN_BYTES = 16 * 1024 * 1024;
const MAX_RATIO = 100;

/** Keys under which checkpoints nest their state dict, most specific first. */
const NESTING_KEYS = ['state_dict', 'model_state_dict', 'model', 'net', 'module'];

export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

function unzip(bytes: Uint8Array, file: string): Record<string, Uint8Array> {
  if (!isZip(bytes)) {
    throw new WeightsFormatError('not a PyTorch checkpoint (neither zip nor legacy torch serialization)', { file });
  }
  checkZipDirectory(bytes, file);
  let total = 0;
  const guard = (f: UnzipFileInfo): boolean => {
    total += f.originalSize;
    if (total > MAX_UNZIPPED_BYTES) {
      throw new WeightsFormatError(`zip entries expand to more than ${MAX_UNZIPPED_BYTES} bytes (zip bomb?)`, { file, tensor: f.name });
    }
    if (f.compression !== 0 && f.originalSize > BOMB_MIN_BYTES && f.originalSize > MAX_RATIO * f.size) {
      throw new WeightsFormatError(`zip entry expands ${Math.round(f.originalSize / Math.max(1, f.size))}x (zip bomb?)`, { file, tensor: f.name });
    }
    return true;
  };
  try {
    return unzipSync(bytes, { filter: guard });
  } catch (e) {
    if (e instanceof WeightsFormatError) throw e;
    throw new WeightsFormatError(`zip archive is damaged or truncated: ${(e as Error).message}`, { file });
  }
}

const BF_F32 = new Float32Array(1);
const BF_U32 = new Uint32Array(BF_F32.buffer);

/** Reads one element of a storage as a JS number. */
function elementReader(dtype: StorageDType, dv: DataView): (i: number) => number {
  switch (dtype) {
    case 'float32': return (i) => dv.getFloat32(i * 4, true);
    case 'float16': return (i) => halfToFloat(dv.getUint16(i * 2, true));
    case 'bfloat16': return (i) => { BF_U32[0] = dv.getUint16(i * 2, true) << 16; return BF_F32[0]; };
    case 'float64': return (i) => dv.getFloat64(i * 8, true);
    case 'int64': return (i) => Number(dv.getBigInt64(i * 8, true));
    case 'int32': return (i) => dv.getInt32(i * 4, true);
    case 'int16': return (i) => dv.getInt16(i * 2, true);
    case 'int8': return (i) => dv.getInt8(i);
    case 'uint8': case 'bool': return (i) => dv.getUint8(i);
    default: throw new Error(`unreachable dtype ${String(dtype)}`);
  }
}

function isContiguous(shape: number[], stride: number[]): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && stride[d] !== expected) return false;
    expected *= shape[d];
  }
  return true;
}

function materialize(name: string, t: TensorRef, storage: Uint8Array, file: string): NamedTensor {
  const { dtype, numel } = t.storage;
  const esz = ELEMENT_BYTES[dtype];
  if (storage.length < numel * esz) {
    throw new WeightsFormatError(`storage ${t.storage.key} holds ${storage.length} bytes, ${numel * esz} expected`, { file, tensor: name });
  }
  if (t.shape.length !== t.stride.length) throw new WeightsFormatError('size and stride ranks differ', { file, tensor: name });
  const n = numElements(t.shape);
  let last = t.offset;
  for (let d = 0; d < t.shape.length; d++) last += (t.shape[d] - 1) * t.stride[d];
  if (n > 0 && (t.offset < 0 || last >= numel || t.stride.some((s) => s < 0))) {
    throw new WeightsFormatError(`view (offset ${t.offset}, size [${t.shape}], stride [${t.stride}]) exceeds its storage of ${numel}`, { file, tensor: name });
  }
  if (dtype === 'float32' && isContiguous(t.shape, t.stride)) {
    return { name, shape: [...t.shape], dtype: 'float32', data: float32At(storage, t.offset * 4, n) };
  }
  const read = elementReader(dtype, new DataView(storage.buffer, storage.byteOffset, numel * esz));
  const isFloat = dtype === 'float32' || dtype === 'float16' || dtype === 'float64' || dtype === 'bfloat16';
  const out = isFloat ? new Float32Array(n) : new Int32Array(n);
  const rank = t.shape.length;
  const idx = new Array<number>(rank).fill(0);
  let src = t.offset;
  for (let i = 0; i < n; i++) {
    out[i] = read(src);
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      src += t.stride[d];
      if (idx[d] < t.shape[d]) break;
      src -= t.stride[d] * t.shape[d];
      idx[d] = 0;
    }
  }
  return { name, shape: [...t.shape], dtype: isFloat ? 'float32' : 'int32', data: out };
}

function tensorEntries(d: PyDict): number {
  let n = 0;
  for (const v of d.entries.values()) if (v instanceof TensorRef) n++;
  return n;
}

/** The dict of tensors inside a checkpoint: the top level or under state_dict / model / ... */
export function findStateDict(root: PyValue, file: string): PyDict {
  if (!(root instanceof PyDict)) throw new MissingTensorError('checkpoint holds no dict of tensors', { file });
  if (tensorEntries(root) > 0) return root;
  for (const k of NESTING_KEYS) {
    const v = root.entries.get(k);
    if (v instanceof PyDict) return findStateDict(v, file);
  }
  throw new MissingTensorError(`checkpoint holds no state dict (keys: ${[...root.entries.keys()].slice(0, 8).join(', ')})`, { file });
}

/** The state dict's tensors, each from the storage bytes `blob(key)` gives. */
function tensorsOf(sd: PyDict, blob: (key: string) => Uint8Array | undefined, where: (key: string) => string, file: string): WeightMap {
  const out: WeightMap = new Map();
  for (const [key, v] of sd.entries) {
    if (!(v instanceof TensorRef)) continue;
    const name = String(key);
    const storage: StorageRef = v.storage;
    const bytes = blob(storage.key);
    if (bytes === undefined) throw new WeightsFormatError(`storage ${where(storage.key)} is missing`, { file, tensor: name });
    out.set(name, materialize(name, v, bytes, file));
  }
  return out;
}

/** Reads a `.pth` file's bytes into a WeightMap (float tensors as float32, integer ones as int32). */
export function readPth(bytes: Uint8Array, file: string): WeightMap {
  if (isLegacyPth(bytes)) {
    const legacy = readLegacyPth(bytes, file);
    return tensorsOf(findStateDict(legacy.root, file), (k) => legacy.storages.get(k), (k) => `${k} (legacy serialization)`, file);
  }
  const entries = unzip(bytes, file);
  const pkl = Object.keys(entries).find((k) => /^[^/]+\/data\.pkl$/.test(k));
  if (pkl === undefined) throw new WeightsFormatError('zip has no <archive>/data.pkl', { file });
  const prefix = pkl.slice(0, -'data.pkl'.length);
  const order = entries[`${prefix}byteorder`];
  if (order !== undefined && new TextDecoder().decode(order).trim() !== 'little') {
    throw new WeightsFormatError('big-endian checkpoints are not supported', { file });
  }
  const sd = findStateDict(safeUnpickle(entries[pkl], file), file);
  return tensorsOf(sd, (k) => entries[`${prefix}data/${k}`], (k) => `data/${k} of the archive`, file);
}
