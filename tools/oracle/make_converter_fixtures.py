"""Small inputs for @mrcnn/weights-converter's tests (test/fixtures/converter/).

Writes tiny state dicts with canonical (and torchvision >= 0.13) names as .pth and ONNX, plus
named-tensor dumps (tensorio) of exactly the tensors they hold, edge-case checkpoints (fp16,
strided views, storage offsets) and hostile pickles. Deterministic (fixed seeds).

    /usr/bin/python3 tools/oracle/make_converter_fixtures.py [--out test/fixtures/converter]
"""
import argparse
import collections
import io
import os
import sys
import zipfile

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tensorio import write_tensors as _write_raw  # noqa: E402


def write_tensors(stem, tensors, meta=None):
    """tensorio dump, gzipped with a fixed mtime (reproducible bytes)."""
    import gzip
    _write_raw(stem, tensors, meta=meta, compress=False)
    with open(stem + '.bin', 'rb') as f:
        blob = f.read()
    with open(stem + '.bin.gz', 'wb') as raw, gzip.GzipFile(fileobj=raw, mode='wb', compresslevel=9, mtime=0) as gz:
        gz.write(blob)
    os.remove(stem + '.bin')


def synthetic_state_dict(k, blocks=(1, 1, 1, 1), num_classes=81, mask_channels=None, new_names=False, seed=0):
    """Canonical Mask R-CNN ResNet-FPN state dict at width divisor k (BN as separate tensors)."""
    g = torch.Generator().manual_seed(seed)
    sd = collections.OrderedDict()
    f = 256 // k
    mc = mask_channels if mask_channels is not None else 128 // k
    rep = 1024 // k

    def add(name, *shape):
        sd[name] = torch.randn(*shape, generator=g) * 0.1

    def bn(p, c):
        sd[p + '.weight'] = 1 + 0.1 * torch.randn(c, generator=g)
        sd[p + '.bias'] = 0.1 * torch.randn(c, generator=g)
        sd[p + '.running_mean'] = 0.1 * torch.randn(c, generator=g)
        sd[p + '.running_var'] = 0.5 + torch.rand(c, generator=g)
        if new_names:
            sd[p + '.num_batches_tracked'] = torch.tensor(7, dtype=torch.int64)

    add('backbone.body.conv1.weight', 64 // k, 3, 7, 7)
    bn('backbone.body.bn1', 64 // k)
    in_c, outs = 64 // k, []
    for s, n in enumerate(blocks):
        mid = (64 << s) // k
        out = 4 * mid
        for b in range(n):
            p = f'backbone.body.layer{s + 1}.{b}'
            add(p + '.conv1.weight', mid, in_c if b == 0 else out, 1, 1); bn(p + '.bn1', mid)
            add(p + '.conv2.weight', mid, mid, 3, 3); bn(p + '.bn2', mid)
            add(p + '.conv3.weight', out, mid, 1, 1); bn(p + '.bn3', out)
            if b == 0:
                add(p + '.downsample.0.weight', out, in_c, 1, 1); bn(p + '.downsample.1', out)
        in_c = out
        outs.append(out)
    sfx = '.0' if new_names else ''
    for i in range(4):
        add(f'backbone.fpn.inner_blocks.{i}{sfx}.weight', f, outs[i], 1, 1); add(f'backbone.fpn.inner_blocks.{i}{sfx}.bias', f)
    for i in range(4):
        add(f'backbone.fpn.layer_blocks.{i}{sfx}.weight', f, f, 3, 3); add(f'backbone.fpn.layer_blocks.{i}{sfx}.bias', f)
    rc = 'rpn.head.conv.0.0' if new_names else 'rpn.head.conv'
    add(rc + '.weight', f, f, 3, 3); add(rc + '.bias', f)
    add('rpn.head.cls_logits.weight', 3, f, 1, 1); add('rpn.head.cls_logits.bias', 3)
    add('rpn.head.bbox_pred.weight', 12, f, 1, 1); add('rpn.head.bbox_pred.bias', 12)
    add('roi_heads.box_head.fc6.weight', rep, f * 49); add('roi_heads.box_head.fc6.bias', rep)
    add('roi_heads.box_head.fc7.weight', rep, rep); add('roi_heads.box_head.fc7.bias', rep)
    add('roi_heads.box_predictor.cls_score.weight', num_classes, rep); add('roi_heads.box_predictor.cls_score.bias', num_classes)
    add('roi_heads.box_predictor.bbox_pred.weight', 4 * num_classes, rep)
    add('roi_heads.box_predictor.bbox_pred.bias', 4 * num_classes)
    for i in range(4):
        m = f'roi_heads.mask_head.{i}.0' if new_names else f'roi_heads.mask_head.mask_fcn{i + 1}'
        add(m + '.weight', mc, f if i == 0 else mc, 3, 3); add(m + '.bias', mc)
    add('roi_heads.mask_predictor.conv5_mask.weight', mc, mc, 2, 2); add('roi_heads.mask_predictor.conv5_mask.bias', mc)
    add('roi_heads.mask_predictor.mask_fcn_logits.weight', num_classes, mc, 1, 1)
    add('roi_heads.mask_predictor.mask_fcn_logits.bias', num_classes)
    return sd


def views_checkpoint():
    """Edge cases of torch serialization: fp16/fp64/int64 storages, strided views, offsets, sharing."""
    g = torch.Generator().manual_seed(5)
    base = torch.randn(6, 5, generator=g)
    sd = collections.OrderedDict()
    sd['half'] = torch.randn(3, 4, generator=g).half()
    sd['transposed'] = base.t()                 # non-contiguous view of base's storage
    sd['row_slice'] = base[2:4]                 # storage offset 10, shares base's storage
    sd['col_step'] = base[:, 1::2]              # strides (5, 2)
    sd['base'] = base
    sd['double'] = torch.randn(2, 2, generator=g, dtype=torch.float64)
    sd['long'] = torch.arange(-3, 3, dtype=torch.int64).reshape(2, 3)
    sd['scalar'] = torch.tensor(2.5)
    sd['param'] = torch.nn.Parameter(torch.randn(2, 3, generator=g))
    # tensorio stores 0-d tensors as shape [1]: the scalar is checked by value in the test instead.
    expected = collections.OrderedDict((k, v.detach().clone().contiguous()) for k, v in sd.items() if k != 'scalar')
    return {'state_dict': sd, 'epoch': 3, 'note': 'views'}, expected


class _Evil:
    def __init__(self, fn, arg):
        self.fn, self.arg = fn, arg

    def __reduce__(self):
        return (self.fn, (self.arg,))


def write_evil(out):
    """Checkpoints whose pickle calls os.system / builtins.eval: the reader must refuse them."""
    torch.save({'w': torch.zeros(2), 'x': _Evil(os.system, 'echo converter-pwned')}, os.path.join(out, 'evil_system.pth'))
    torch.save({'w': torch.zeros(2), 'x': _Evil(eval, '1+1')}, os.path.join(out, 'evil_eval.pth'))


def load_k8_oracle():
    """The committed K=8 oracle model (test/fixtures/oracle-k8/model_0049.pth.gz) as an nn.Module."""
    import gzip
    from config import make_config
    from model import MaskRCNN0049
    cfg = make_config('0049', 8)
    model = MaskRCNN0049(cfg).eval()
    here = os.path.dirname(os.path.abspath(__file__))
    pth = os.path.join(here, '..', '..', 'test', 'fixtures', 'oracle-k8', 'model_0049.pth.gz')
    with gzip.open(pth, 'rb') as f:
        model.load_state_dict(torch.load(io.BytesIO(f.read())))
    return model


class LearnedParts(torch.nn.Module):
    """The learned layers of the oracle as one ONNX-exportable graph, FCs as Gemm (as torchvision and
    maskrcnn-benchmark exports have them): im_data -> body -> FPN -> shared RPN head on P2..P6;
    box_feats [R,F,7,7] -> fc6 -> fc7 -> cls/bbox; mask_feats [R,F,14,14] -> mask head -> logits."""

    def __init__(self, m):
        super().__init__()
        self.backbone, self.rpn, self.roi_heads = m.backbone, m.rpn, m.roi_heads

    def forward(self, im_data, box_feats, mask_feats):
        import torch.nn.functional as F
        outs = []
        for p in self.backbone.fpn(self.backbone.body(im_data)):
            outs += list(self.rpn.head(p))
        bh, bp = self.roi_heads.box_head, self.roi_heads.box_predictor
        x = F.relu(F.linear(box_feats.flatten(1), bh.fc6.weight, bh.fc6.bias))
        x = F.relu(F.linear(x, bh.fc7.weight, bh.fc7.bias))
        outs += [F.linear(x, bp.cls_score.weight, bp.cls_score.bias), F.linear(x, bp.bbox_pred.weight, bp.bbox_pred.bias)]
        outs.append(self.roi_heads.mask_predictor(self.roi_heads.mask_head(mask_feats)))
        return tuple(outs)


def write_k8_onnx(out):
    """ONNX (opset 11, constant folding: FrozenBN becomes Conv -> Mul -> Add with onnx::Mul_N initializers)."""
    import gzip
    model = load_k8_oracle()
    f = model.cfg.fpn_ch
    args = (torch.zeros(1, 3, 64, 64), torch.zeros(2, f, 7, 7), torch.zeros(2, f, 14, 14))
    buf = io.BytesIO()
    torch.onnx.export(LearnedParts(model), args, buf, opset_version=11, do_constant_folding=True,
                      input_names=['im_data', 'box_feats', 'mask_feats'])
    with open(os.path.join(out, 'oracle_k8_learned.onnx.gz'), 'wb') as raw, \
            gzip.GzipFile(fileobj=raw, mode='wb', compresslevel=9, mtime=0) as gz:
        gz.write(buf.getvalue())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default=os.path.join('test', 'fixtures', 'converter'))
    ap.add_argument('--k8-onnx', action='store_true', help='only the ONNX export of the K=8 oracle weights')
    args = ap.parse_args()
    out = args.out
    os.makedirs(out, exist_ok=True)
    torch.set_num_threads(1)
    if args.k8_onnx:
        write_k8_onnx(out)
        return

    sd = synthetic_state_dict(16, seed=1)
    torch.save(sd, os.path.join(out, 'tiny_k16.pth'))
    write_tensors(os.path.join(out, 'tiny_k16_sd'), sd, meta={'widthDiv': 16, 'arch': '0049', 'blocks': [1, 1, 1, 1]})

    tv = synthetic_state_dict(32, mask_channels=8, num_classes=91, new_names=True, seed=2)
    torch.save({'model': tv, 'epoch': 3}, os.path.join(out, 'tiny_k32_tv.pth'))
    write_tensors(os.path.join(out, 'tiny_k32_tv_sd'), tv, meta={'widthDiv': 32, 'arch': 'torchvision'})

    ckpt, expected = views_checkpoint()
    torch.save(ckpt, os.path.join(out, 'views.pth'))
    write_tensors(os.path.join(out, 'views_sd'), expected)

    write_evil(out)
    print('wrote', sorted(os.listdir(out)))


if __name__ == '__main__':
    main()
