"""Weights exports: .pth (torch.save zip of the state_dict) and the named-tensor dump."""
import gzip
import os
import shutil

import torch

from tensorio import write_tensors


def gzip_replace(path):
    """Compresses `path` into `path.gz` (level 9, no timestamp: byte-reproducible), removes `path`."""
    with open(path, 'rb') as f, gzip.GzipFile(path + '.gz', 'wb', compresslevel=9, mtime=0) as g:
        shutil.copyfileobj(f, g)
    os.remove(path)
    return path + '.gz'


def export_pth(model, path, gz=False):
    sd = {k: v.detach().clone() for k, v in model.state_dict().items()}
    torch.save(sd, path)
    return gzip_replace(path) if gz else path


def export_dump(model, stem, meta, compress=True):
    tensors = {k: v for k, v in model.state_dict().items() if not k.endswith('num_batches_tracked')}
    write_tensors(stem, tensors, meta, compress=compress)
    return stem
