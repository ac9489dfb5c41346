/**
 * torch's legacy serialization: what `torch.save` wrote before torch 1.6 (and still writes with
 * `_use_new_zipfile_serialization=False`), the format of checkpoints published before mid-2020 —
 * torchvision's COCO Mask R-CNN `maskrcnn_resnet50_fpn_coco-bf2d0c1e.pth` dates from 2019. Layout
 * (torch/serialization.py `_legacy_save`): five pickles (protocol 2) — the magic number, the protocol
 * version 1001, sys info (byte order, type sizes), the object (its tensors reference storages by
 * persistent id), the storage keys in write order — then each storage as its element count
 * (little-endian int64) followed by its raw bytes. Every pickle goes through the safe unpickler.
 */
import { WeightsFormatError } from '../errors';
import { safeUnpickleAt } from './pickle';
import { ELEMENT_BYTES, PyDict, PyTuple, PyValue, StorageRef, TensorRef } from './pickle_values';

/** The first pickle of every legacy file: protocol 2, LONG1 of 10 bytes: 0x1950a86a20f9469cfc6c, STOP. */
export const LEGACY_MAGIC = Uint8Array.of(0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e);
const PROTOCOL_VERSION = 1001;

export function isLegacyPth(bytes: Uint8Array): boolean {
  return bytes.length >= LEGACY_MAGIC.length && LEGACY_MAGIC.every((b, i) => bytes[i] === b);
}

export interface LegacyCheckpoint {
  /** The saved object (a state dict, or a dict holding one). */
  root: PyValue;
  /** Raw bytes of each storage, by key. */
  storages: Map<string, Uint8Array>;
}

/** Every storage the object's tensors reference, by key. */
function storageRefs(root: PyValue): Map<string, StorageRef> {
  const refs = new Map<string, StorageRef>();
  const seen = new Set<object>();
  const walk = (v: PyValue): void => {
    if (v === null || typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    if (v instanceof TensorRef) refs.set(v.storage.key, v.storage);
    else if (v instanceof StorageRef) refs.set(v.key, v);
    else if (v instanceof PyDict) for (const x of v.entries.values()) walk(x);
    else if (v instanceof PyTuple) v.items.forEach(walk);
    else if (Array.isArray(v)) v.forEach(walk);
  };
  walk(root);
  return refs;
}

export function readLegacyPth(bytes: Uint8Array, file: string): LegacyCheckpoint {
  if (!isLegacyPth(bytes)) throw new WeightsFormatError('not torch\'s legacy serialization (no magic number)', { file });
  const version = safeUnpickleAt(bytes, LEGACY_MAGIC.length, file);
  if (version.value !== PROTOCOL_VERSION) {
    throw new WeightsFormatError(`legacy serialization protocol ${JSON.stringify(version.value)}, ${PROTOCOL_VERSION} expected`, { file });
  }
  const sys = safeUnpickleAt(bytes, version.end, file);
  if (!(sys.value instanceof PyDict) || sys.value.entries.get('little_endian') !== true) {
    throw new WeightsFormatError('legacy checkpoint written on a big-endian machine (or without sys info): not supported', { file });
  }
  const obj = safeUnpickleAt(bytes, sys.end, file);
  const keys = safeUnpickleAt(bytes, obj.end, file);
  if (!Array.isArray(keys.value) || !keys.value.every((k): k is string => typeof k === 'string')) {
    throw new WeightsFormatError('legacy checkpoint: the storage key list is not a list of strings', { file });
  }
  const refs = storageRefs(obj.value);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const storages = new Map<string, Uint8Array>();
  let pos = keys.end;
  for (const key of keys.value) {
    const ref = refs.get(key);
    if (ref === undefined) throw new WeightsFormatError(`legacy checkpoint: storage ${key} is listed but no tensor uses it`, { file });
    if (pos + 8 > bytes.length) throw new WeightsFormatError(`legacy checkpoint is truncated before storage ${key}`, { file });
    const count = dv.getBigInt64(pos, true);
    if (count !== BigInt(ref.numel)) {
      throw new WeightsFormatError(`legacy checkpoint: storage ${key} holds ${count} elements, its tensors' pickle says ${ref.numel}`, { file });
    }
    const n = ref.numel * ELEMENT_BYTES[ref.dtype];
    pos += 8;
    if (pos + n > bytes.length) throw new WeightsFormatError(`legacy checkpoint is truncated inside storage ${key} (${n} bytes)`, { file });
    storages.set(key, bytes.subarray(pos, pos + n));
    pos += n;
  }
  if (pos !== bytes.length) throw new WeightsFormatError(`legacy checkpoint has ${bytes.length - pos} bytes after its last storage`, { file });
  return { root: obj.value, storages };
}
