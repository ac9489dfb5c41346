"""Files written by the real exporters (torch.onnx of Debian's torch 1.13, torchvision 0.14's own export
path, the onnx 1.12 package's external-data writer), as a new user would produce them, for
@mrcnn/weights-converter's tests (test/fixtures/converter/zoo/, gzip'd, plus zoo.json describing each).

    /usr/bin/python3 tools/oracle/exporter_zoo.py [--out test/fixtures/converter/zoo] [--only NAME ...]

| file | network, weights | export |
|---|---|---|
| tv_k8_op11 | torchvision MaskRCNN (torchvision_ref, K=8), the committed oracle-tv-k8 weights | torchvision's own `torch.onnx.export(model, ([image],))`, opset 11, defaults (constant folding) |
| tvv2_k16_op11 | maskrcnn_resnet50_fpn_v2's modules at K=16 (torchvision_exact.build_v2: 2-conv RPN head, 4-conv + BN box head + fc6, BN in FPN and mask head), shaped seeded weights (shaped_init_v2_) | torchvision's own `torch.onnx.export(model, ([image],))`, opset 11, defaults: every BN fused into `onnx::Conv_N` initializers |
| o49_k32_tied_op11 | 0049 oracle (model.py) K=32, shaped init, FPN lateral biases made equal | whole network (onnx_export.Export0049), opset 11, defaults: the equal biases are one initializer + Identity nodes |
| o49_k32_bnfused_op14 | same weights, not tied | FrozenBN as BatchNormalization, eval export: BN fused into Conv, initializers renamed `onnx::Conv_N` |
| mb_k32_op15_nofold | maskrcnn-benchmark layout (mb_layout.py) holding the same weights | Export0049, opset 15, `do_constant_folding=False`: maskrcnn-benchmark's FrozenBN as Rsqrt/Mul/Sub/Reshape nodes on the four initializers |
| o49_k32_ir10_fp16, o49_k32_ir10_int8, o49_k32_ir11_int8 (.xml.gz + .bin.gz) | the same K=32 0049 weights | export_ir.py (Model Optimizer's layout; not openvino itself, which cannot be installed here; IR v11 FP32/FP16 of the K=8 weights are test/fixtures/converter/oracle_k8_ir32/16): IR v10 `--data_type FP16` (f16 everywhere, no Convert); IR v10 INT8 over FP16 weights (FakeQuantize 255 levels on the f16 weights, FakeQuantize 256 on activations); IR v11 INT8 with compressed weights (i8 -> Convert -> Multiply) |
| tv_k32.pth.gz + tv_k32_dyn_op13, tv_k32_nofold_op16, tv_k32_op17, tv_k32_ext_op12.onnx(.data) | torchvision K=32, seeded random weights | torchvision's own export: opset 13 + dynamic image size; opset 16 without folding; opset 17 defaults; opset 12 re-saved by onnx's `save_model(..., save_as_external_data=True)` (tensors >= 1 KiB in `tv_k32_ext_op12.onnx.data`; both gzip'd for storage, the test unpacks them side by side) |

The K=32 0049 weights are init_0049_'s recipe with a calibration contrast of 130 (weights_init uses 70 for
K > 1): with 70 the K=32 network gives 100 detections of one class at score 1.0 on both images; with 130,
chelsea_fit gives 100 rows over 6+ classes, scores 0.30..0.98 (astronaut still saturates, so chelsea is
the reference image).
References the tests use: tv_k8 -> the committed oracle-tv-k8/astronaut_fit golden; tvv2_k16 -> the
exported model's own model([image]) on the original chelsea.png at 320/480, in zoo.json (classes, scores,
boxes of the 100 rows; pasted masks > 0.5 of the first 8 as row-major run lengths); o49/mb_k32 ->
onnxruntime on the same file, with the PyTorch outputs of the exported module on chelsea_fit in zoo.json
(classes, scores, boxes) to check that onnxruntime agrees; tv_k32_* -> the weights of tv_k32.pth.gz.
Deterministic: fixed seeds, one thread, gzip without timestamps (torch.onnx's bytes are reproducible).
"""
import argparse
import gzip
import io
import json
import os
import sys
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
REPO = os.path.dirname(os.path.dirname(HERE))

import onnx  # noqa: E402
import torch  # noqa: E402
import torchvision  # noqa: E402

from config import make_config  # noqa: E402
from export import gzip_replace  # noqa: E402
from model import MaskRCNN0049  # noqa: E402
from onnx_export import Export0049, frozen_bn_as_batchnorm  # noqa: E402
from preprocess import load_rgb, preprocess  # noqa: E402
from weights_init import init_0049_, quantize_all_  # noqa: E402

FIXTURES = os.path.join(REPO, 'test', 'fixtures')
REF_IMAGE = os.path.join(FIXTURES, 'images', 'chelsea.png')
CONTRAST_K32 = 130.0
TV_REF_SIZE = (320, 480)  # (min, max) size of the torchvision transform for the v2 entry's reference
TV_REF_MASKS = 8


def write_gz(path, data):
    with open(path, 'wb') as raw, gzip.GzipFile(fileobj=raw, mode='wb', compresslevel=9, mtime=0) as gz:
        gz.write(data)


def load_pth_gz(path):
    with gzip.open(path, 'rb') as f:
        return torch.load(io.BytesIO(f.read()))


def onnx_bytes(module, args, opset, **kw):
    buf = io.BytesIO()
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter('ignore')  # tracer warnings
        torch.onnx.export(module, args, buf, opset_version=opset, **kw)
    return buf.getvalue()


def reference_input():
    im_data, im_info, _, _ = preprocess(load_rgb(REF_IMAGE), 'fit', (320, 480))
    return im_data, im_info


def o49_inputs(cfg):
    hh, ww = cfg.input_hw
    im_data = torch.full((1, 3, hh, ww), 128.0)
    return im_data, torch.tensor([[float(hh), float(ww), 1.0]])


def o49_reference(wrapper):
    """The exported module's own outputs on chelsea_fit (what onnxruntime should reproduce)."""
    im_data, im_info = reference_input()
    with torch.no_grad():
        classes, scores, boxes, _ = wrapper(im_data, im_info)
    n = int((classes > 0).sum())
    r = lambda t: [float(f'{v:.6g}') for v in t.reshape(-1).tolist()]  # noqa: E731
    return {'image': 'chelsea_fit', 'rows': n, 'classes': classes[:n].tolist(), 'scores': r(scores[:n]),
            'boxes': r(boxes[:n])}


def o49_k32():
    import weights_init
    cfg = make_config('0049', 32)
    default = weights_init.calibration_contrast
    weights_init.calibration_contrast = lambda _cfg: CONTRAST_K32
    try:
        return init_0049_(MaskRCNN0049(cfg).eval(), cfg)
    finally:
        weights_init.calibration_contrast = default


def tied(model):
    """FPN lateral biases made equal (as zero-initialised or tied tensors are): torch.onnx stores one."""
    with torch.no_grad():
        inner = model.backbone.fpn.inner_blocks
        for i in range(1, 4):
            inner[i].bias.copy_(inner[0].bias)
    return model


def tv_k8():
    from torchvision_ref import build_torchvision
    model = build_torchvision(8)
    model.load_state_dict(load_pth_gz(os.path.join(FIXTURES, 'oracle-tv-k8', 'model_torchvision.pth.gz')))
    return model.eval()


def tv_k32():
    """torchvision's layout at K=32 with seeded random weights and FrozenBN statistics (weight-level tests)."""
    from torchvision.ops import FrozenBatchNorm2d
    from torchvision_ref import build_torchvision
    from weights_init import random_init_
    model = build_torchvision(32)
    random_init_(model, 32)
    g = torch.Generator().manual_seed(32)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, FrozenBatchNorm2d):
                m.running_mean.copy_(torch.randn(m.running_mean.shape, generator=g) * 0.3)
                m.running_var.copy_(torch.rand(m.running_var.shape, generator=g) + 0.5)
    quantize_all_(model)
    return model.eval()


def tv_v2_k16():
    """maskrcnn_resnet50_fpn_v2's modules with widths / 16 (torchvision_exact.build_v2), its shaped seeded
    weights (torchvision_exact.shaped_init_v2_, seed 92), transform at 320/480 (the reference's size).
    K=16 keeps the file small (the committed K=8 v2 weights export to 1.6 MB gzip'd)."""
    from torchvision_exact import build_v2, shaped_init_v2_
    model = shaped_init_v2_(build_v2(16)).eval()
    model.transform.min_size, model.transform.max_size = TV_REF_SIZE[:1], TV_REF_SIZE[1]
    return model


def mask_rle(mask):
    """Row-major run lengths of a [H, W] bool mask, starting with a (possibly empty) run of zeros, as one
    space-separated string (one JSON line per mask)."""
    flat = mask.reshape(-1).to(torch.uint8)
    edges = torch.nonzero(flat[1:] != flat[:-1]).reshape(-1) + 1
    bounds = [0] + edges.tolist() + [flat.numel()]
    runs = [b - a for a, b in zip(bounds, bounds[1:])]
    return ' '.join(str(n) for n in ([0] if flat[0] else []) + runs)


def tv_reference(model):
    """The exported torchvision model's own outputs, model([image]), on the original chelsea.png (to_tensor
    of the PIL-decoded RGB) in original pixels: classes, scores, boxes of every row; the pasted masks
    (> 0.5) of the first TV_REF_MASKS rows as run lengths (mask_rle)."""
    rgb = load_rgb(REF_IMAGE)
    x = torch.from_numpy(rgb).permute(2, 0, 1).contiguous().to(torch.float32).div(255)
    with torch.no_grad():
        out = model([x])[0]
    r = lambda t: [float(f'{v:.6g}') for v in t.reshape(-1).tolist()]  # noqa: E731
    masks = out['masks'][:TV_REF_MASKS, 0] > 0.5
    return {'image': 'chelsea', 'hw': list(rgb.shape[:2]), 'minSize': TV_REF_SIZE[0], 'maxSize': TV_REF_SIZE[1],
            'rows': int(out['labels'].shape[0]), 'classes': out['labels'].tolist(), 'scores': r(out['scores']),
            'boxes': r(out['boxes']), 'maskRle': [mask_rle(m) for m in masks]}


def tv_export(model, opset, **kw):
    return onnx_bytes(model, ([torch.rand(3, 320, 480, generator=torch.Generator().manual_seed(0))],), opset,
                      input_names=['image'], output_names=['boxes', 'labels', 'scores', 'masks'], **kw)


def o49_export(model, opset, **kw):
    return onnx_bytes(Export0049(model).eval(), o49_inputs(model.cfg), opset, input_names=['im_data', 'im_info'],
                      output_names=['classes', 'scores', 'boxes', 'raw_masks'], **kw)


def ir_entry(sd, cfg, name, version, precision, base, out, env):
    import export_ir
    int8 = precision == 'INT8'
    fp16 = precision == 'FP16' or base == 'FP16'
    ir = export_ir.build(sd, cfg, cfg.input_hw, fp16, version, int8)
    export_ir.write(ir, os.path.join(out, name), 'instance-segmentation-security-0049', True, precision)
    print(f'{name}: IR v{version} {precision}, {len(ir.bin):,} bytes of constants')
    return {'files': [name + '.xml.gz', name + '.bin.gz'], 'irVersion': version, 'precision': precision,
            **({'int8Weights': base or 'FP32'} if int8 else {}), 'arch': '0049', 'widthDiv': 32,
            'network': 'the K=32 oracle weights (o49_k32_*) through tools/oracle/export_ir.py (Model Optimizer / POT layout)',
            'reference': 'onnxruntime on o49_k32_bnfused_op14 (same weights)', 'exporter': {'export_ir.py': True, **env}}


def external(data, stem, out):
    """onnx's own external-data writer: every tensor >= 1 KiB into <stem>.onnx.data next to the model;
    both files are then gzip'd for storage."""
    m = onnx.load_from_string(data)
    path = os.path.join(out, stem + '.onnx')
    onnx.save_model(m, path, save_as_external_data=True, all_tensors_to_one_file=True, location=stem + '.onnx.data',
                    size_threshold=1024)
    return [os.path.basename(gzip_replace(os.path.join(out, f))) for f in (stem + '.onnx', stem + '.onnx.data')]


O49 = ('o49_k32_tied_op11', 'o49_k32_bnfused_op14', 'mb_k32_op15_nofold')
# OpenVINO IRs of the same K=32 weights as Model Optimizer / POT lay them out (export_ir.py): (name, version, precision, int8 base).
IRS = (('o49_k32_ir10_fp16', 10, 'FP16', None),
       ('o49_k32_ir10_int8', 10, 'INT8', 'FP16'), ('o49_k32_ir11_int8', 11, 'INT8', None))
TV32 = ('tv_k32_dyn_op13', 'tv_k32_nofold_op16', 'tv_k32_op17', 'tv_k32_ext_op12')
NAMES = ('tv_k8_op11', 'tvv2_k16_op11') + O49 + tuple(i[0] for i in IRS) + TV32


def build_all(out, only):
    entries = {}
    env = {'torch': torch.__version__, 'torchvision': torchvision.__version__, 'onnx': onnx.__version__}

    def want(name):
        return not only or name in only

    def put(name, data, **meta):
        write_gz(os.path.join(out, name + '.onnx.gz'), data)
        entries[name] = {'files': [name + '.onnx.gz'], **meta, 'exporter': env}
        print(f'{name}: {len(data):,} bytes')

    if want('tv_k8_op11'):
        put('tv_k8_op11', tv_export(tv_k8(), 11), opset=11, constantFolding=True, arch='torchvision', widthDiv=8,
            network="torchvision MaskRCNN (torchvision_ref.py), torch.onnx.export(model, ([image],)), image [3,320,480] "
                    'RGB 0..1', reference='golden oracle-tv-k8/astronaut_fit')
    if want('tvv2_k16_op11'):
        v2 = tv_v2_k16()
        put('tvv2_k16_op11', tv_export(v2, 11), opset=11, constantFolding=True, arch='torchvision-v2', widthDiv=16,
            network="torchvision's maskrcnn_resnet50_fpn_v2 modules at K=16 (torchvision_exact.build_v2), shaped seeded "
                    'weights (shaped_init_v2_), transform 320/480; torch.onnx.export(model, ([image],)), image '
                    '[3,320,480] RGB 0..1', reference='pytorch: model([image]) on chelsea.png', pytorch=tv_reference(v2))
    if any(want(n) for n in O49 + tuple(i[0] for i in IRS)):
        o49 = o49_k32()
        sd = {k: v.detach().numpy().astype('float32') for k, v in o49.state_dict().items() if not k.endswith('num_batches_tracked')}
        for name, version, precision, base in IRS:
            if want(name):
                entries[name] = ir_entry(sd, o49.cfg, name, version, precision, base, out, env)
        common = dict(arch='0049', widthDiv=32, reference='onnxruntime on this file')
        net = '0049 oracle (model.py) K=32 driven by onnx_export.Export0049'
        if want('o49_k32_bnfused_op14'):
            with frozen_bn_as_batchnorm():
                data = o49_export(o49, 14)
                ref = o49_reference(Export0049(o49).eval())
            put('o49_k32_bnfused_op14', data, opset=14, constantFolding=True, network=net + ', FrozenBN as BatchNormalization',
                pytorch=ref, **common)
        if want('mb_k32_op15_nofold'):
            from mb_layout import from_oracle
            mb = Export0049(from_oracle(o49)).eval()
            put('mb_k32_op15_nofold', onnx_bytes(mb, o49_inputs(o49.cfg), 15, do_constant_folding=False,
                                                 input_names=['im_data', 'im_info'],
                                                 output_names=['classes', 'scores', 'boxes', 'raw_masks']),
                opset=15, constantFolding=False, network='maskrcnn-benchmark layout (mb_layout.py) holding the K=32 '
                'oracle weights, driven by Export0049', pytorch=o49_reference(mb), **common)
        if want('o49_k32_tied_op11'):
            t = tied(o49)
            put('o49_k32_tied_op11', o49_export(t, 11), opset=11, constantFolding=True, network=net,
                tied='backbone.fpn.inner_blocks.1..3.bias = inner_blocks.0.bias', pytorch=o49_reference(Export0049(t).eval()),
                **common)
    if any(want(n) for n in TV32):
        tv = tv_k32()
        pth = os.path.join(out, 'tv_k32.pth')
        torch.save({k: v for k, v in tv.state_dict().items()}, pth)
        gzip_replace(pth)
        common = dict(arch='torchvision', widthDiv=32, network="torchvision MaskRCNN K=32, torchvision's own export",
                      reference='weights of tv_k32.pth.gz')
        if want('tv_k32_dyn_op13'):
            put('tv_k32_dyn_op13', tv_export(tv, 13, dynamic_axes={'image': {1: 'height', 2: 'width'}}), opset=13,
                constantFolding=True, dynamicAxes=True, **common)
        if want('tv_k32_nofold_op16'):
            put('tv_k32_nofold_op16', tv_export(tv, 16, do_constant_folding=False), opset=16, constantFolding=False,
                **common)
        if want('tv_k32_op17'):
            put('tv_k32_op17', tv_export(tv, 17), opset=17, constantFolding=True, **common)
        if want('tv_k32_ext_op12'):
            files = external(tv_export(tv, 12), 'tv_k32_ext_op12', out)
            entries['tv_k32_ext_op12'] = {'files': files, 'opset': 12, 'constantFolding': True, 'externalData': True,
                                          **common, 'exporter': env}
            print('tv_k32_ext_op12:', [os.path.getsize(os.path.join(out, f)) for f in files])
    return entries


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--out', default=os.path.join(FIXTURES, 'converter', 'zoo'))
    ap.add_argument('--only', nargs='*', default=None, choices=NAMES)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    torch.set_num_threads(1)
    entries = build_all(a.out, a.only)
    manifest = os.path.join(a.out, 'zoo.json')
    old = json.load(open(manifest)) if os.path.exists(manifest) else {}
    old.update(entries)
    with open(manifest, 'w') as f:
        json.dump(dict(sorted(old.items())), f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
