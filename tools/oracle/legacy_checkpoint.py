"""The seeded torchvision-layout checkpoint (test/fixtures/oracle-tv-k8/model_torchvision.pth.gz) as
the checkpoints torchvision published before torch 1.6 are stored — the COCO Mask R-CNN
`maskrcnn_resnet50_fpn_coco-bf2d0c1e.pth` dates from 2019 (torchvision 0.3), so it should be one; it
could not be downloaded here to check: torch's legacy serialization (five pickles, then
the raw storages; `torch.save(..., _use_new_zipfile_serialization=False)`) of an OrderedDict with
the pre-0.13 module names (`rpn.head.conv.weight`, `backbone.fpn.inner_blocks.0.weight`,
`roi_heads.mask_head.mask_fcn1.weight`). The renamed dict is loaded back into torchvision's own
MaskRCNN (strict: its version hooks map the old names) before it is written, and the tensors are
those of the zip fixture, bit for bit.

    /usr/bin/python3 tools/oracle/legacy_checkpoint.py   # -> test/fixtures/oracle-tv-k8/model_torchvision_legacy.pth.gz
"""
import collections
import gzip
import io
import os
import re
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torchvision_ref import build_torchvision  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
FIXTURES = os.path.join(REPO, 'test', 'fixtures', 'oracle-tv-k8')
RENAMES = [
    (re.compile(r'^backbone\.fpn\.(inner|layer)_blocks\.(\d+)\.0\.'), r'backbone.fpn.\1_blocks.\2.'),
    (re.compile(r'^rpn\.head\.conv\.0\.0\.'), 'rpn.head.conv.'),
    (re.compile(r'^roi_heads\.mask_head\.(\d+)\.0\.'), lambda m: f'roi_heads.mask_head.mask_fcn{int(m.group(1)) + 1}.'),
]


def old_name(name):
    for pattern, repl in RENAMES:
        name = pattern.sub(repl, name)
    return name


def main():
    with gzip.open(os.path.join(FIXTURES, 'model_torchvision.pth.gz'), 'rb') as f:
        sd = torch.load(io.BytesIO(f.read()))
    legacy = collections.OrderedDict((old_name(k), v) for k, v in sd.items())
    model = build_torchvision(8)
    model.load_state_dict(legacy, strict=True)  # torchvision maps the old names itself
    for k, v in model.state_dict().items():
        assert torch.equal(v, sd[k]), k
    out = os.path.join(FIXTURES, 'model_torchvision_legacy.pth')
    torch.save(legacy, out, _use_new_zipfile_serialization=False)
    with open(out, 'rb') as f, gzip.GzipFile(out + '.gz', 'wb', compresslevel=9, mtime=0) as g:
        g.write(f.read())
    os.remove(out)
    renamed = sum(1 for k in sd if old_name(k) != k)
    print(f'{out}.gz: {len(legacy)} tensors, {renamed} under their pre-0.13 names, legacy serialization')


if __name__ == '__main__':
    main()
