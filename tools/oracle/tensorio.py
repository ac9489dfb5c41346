"""Named-tensor dump `mrcnn-tensors/1` (see docs/CONVENTIONS.md): <stem>.json + <stem>.bin[.gz]."""
import gzip
import json
import os

import numpy as np

_DTYPES = {np.dtype('float32'): 'float32', np.dtype('int32'): 'int32', np.dtype('uint8'): 'uint8'}


def _as_array(value):
    if hasattr(value, 'detach'):
        value = value.detach().cpu().numpy()
    arr = np.ascontiguousarray(value)
    if arr.dtype == np.float64 or arr.dtype == np.float16:
        arr = arr.astype(np.float32)
    elif arr.dtype == np.int64 or arr.dtype == np.bool_:
        arr = arr.astype(np.int32) if arr.dtype == np.int64 else arr.astype(np.uint8)
    if arr.dtype not in _DTYPES:
        raise TypeError(f'unsupported dtype {arr.dtype}')
    return arr.astype(arr.dtype.newbyteorder('<'), copy=False)


def write_tensors(stem, tensors, meta=None, compress=False):
    """tensors: ordered mapping name -> array/tensor. Writes <stem>.json and <stem>.bin(.gz)."""
    os.makedirs(os.path.dirname(os.path.abspath(stem)), exist_ok=True)
    entries, chunks, offset = [], [], 0
    for name, value in tensors.items():
        arr = _as_array(value)
        data = arr.tobytes()
        entries.append({'name': name, 'dtype': _DTYPES[arr.dtype], 'shape': list(arr.shape),
                        'offset': offset, 'byteLength': len(data)})
        pad = (-len(data)) % 8
        chunks.append(data + b'\0' * pad)
        offset += len(data) + pad
    blob = b''.join(chunks)
    for ext in ('.bin', '.bin.gz'):
        if os.path.exists(stem + ext):
            os.remove(stem + ext)
    if compress:
        with gzip.GzipFile(stem + '.bin.gz', 'wb', compresslevel=9, mtime=0) as f:
            f.write(blob)
    else:
        with open(stem + '.bin', 'wb') as f:
            f.write(blob)
    with open(stem + '.json', 'w') as f:
        json.dump({'format': 'mrcnn-tensors/1', 'meta': meta or {}, 'tensors': entries}, f, indent=1)


def read_tensors(stem):
    with open(stem + '.json') as f:
        header = json.load(f)
    if os.path.exists(stem + '.bin'):
        blob = open(stem + '.bin', 'rb').read()
    else:
        blob = gzip.open(stem + '.bin.gz', 'rb').read()
    out = {}
    for e in header['tensors']:
        arr = np.frombuffer(blob, dtype=np.dtype(e['dtype']).newbyteorder('<'),
                            count=int(np.prod(e['shape'])) if e['shape'] else 1, offset=e['offset'])
        out[e['name']] = arr.reshape(e['shape'])
    return out, header['meta']
