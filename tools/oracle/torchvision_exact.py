"""Goldens of torchvision 0.14's Mask R-CNN run exactly as torchvision runs it: its own MaskRCNN classes
and GeneralizedRCNNTransform (normalise, resize by its float32 scale, pad to 32; postprocess back to the
image, paste_masks_in_image), fed the ORIGINAL image (not a pre-resized tensor), at its default input size
(min 800 / max 1333) and at a small one (320 / 480), for the v1 model (`maskrcnn_resnet50_fpn`) and the v2
model (`maskrcnn_resnet50_fpn_v2`).

Weights (seeded, shaped, the same state dict the converter reads):
- v1: the `torchvision` config's (torchvision_ref.py): K=8 `test/fixtures/oracle-tv-k8/model_torchvision.pth.gz`,
  K=1 `.cache/oracle/k1/torchvision/model_torchvision.pth` (ensure-cache.mjs makes it first);
- v2: made here (`build_v2`, `shaped_init_v2_`), written as `model_torchvision_v2.pth[.gz]`.
At K=1 the v2 goldens run torchvision's own builder `maskrcnn_resnet50_fpn_v2(weights=None)` and the v1
goldens the modules `maskrcnn_resnet50_fpn` builds for trained weights (`model_for`), the state dict loaded
strictly; at K > 1 the same torchvision classes with every width divided by K.

Images (`IMAGES`): the PNG test images (decoded by PIL exactly as @mrcnn/model decodes them), cropped or
transposed so the sizes cover a square, an odd-width landscape and its transposed portrait (where
torchvision's float32 scale and floor bite: 300x451 at 800/1333 -> 800x1202, at 320/480 -> 319x479), and a
375x500 crop (799x1066, 320x426).

Speed: Debian's torch multiplies large matrices with a slow reference BLAS (12544 x 1024 on 1000 RoIs: ~8 s),
so nn.Linear runs as the equivalent 1x1 convolution (model.linear_as_conv) while goldens are made: torchvision's
classes and code are otherwise untouched; only the float summation order of its FC layers changes.
"""
import contextlib
import math
import os
import time

import numpy as np
import torch
import torch.nn.functional as F
import torchvision
from PIL import Image
from torch import nn
from torchvision.models.detection import MaskRCNN
from torchvision.models.detection.backbone_utils import BackboneWithFPN
from torchvision.models.detection.faster_rcnn import FastRCNNConvFCHead, FastRCNNPredictor
from torchvision.models.detection.mask_rcnn import MaskRCNNHeads, MaskRCNNPredictor
from torchvision.models.detection.rpn import RPNHead
from torchvision.models.resnet import Bottleneck, ResNet
from torchvision.ops import FrozenBatchNorm2d
from torchvision.ops.feature_pyramid_network import LastLevelMaxPool

from export import export_pth
from model import linear_as_conv
from tensorio import write_tensors
from torchvision_ref import IMAGE_MEAN, IMAGE_STD, build_torchvision
from weights_init import ACTIVE_CLASSES, _fit_, quantize_all_, synthetic_image

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
IMAGE_DIR = os.path.join(REPO, 'test', 'fixtures', 'images')

SEED_V2 = 92
CONTRAST = 130.0  # as torchvision_ref.CONTRAST
CALIBRATION_HW = (320, 480)
# name -> (file, crop (y0, x0, h, w) or None, transpose): see the module docstring.
IMAGES = {
    'square': ('astronaut.png', None, False),
    'landscape': ('chelsea.png', None, False),
    'portrait': ('chelsea.png', None, True),
    'crop': ('astronaut.png', (60, 6, 375, 500), False),
}
SIZES = ((800, 1333), (320, 480))
# The full-size cache: every image at the default size, the two where float32 bites hardest at the small one.
K1_GOLDENS = tuple((i, s) for i in IMAGES for s in SIZES if s == SIZES[0] or i in ('landscape', 'crop'))
# Committed K=8 goldens: no im_data (a 800x1216 float tensor), 512 sampled im_data values instead, and the
# masks (probabilities and pasted) of the first COMMITTED_MASKS rows only.
COMMITTED_MASKS = 8
IM_DATA_SAMPLES = 512


def source_image(name):
    """uint8 [H, W, 3] RGB: the PIL-decoded PNG, cropped/transposed per IMAGES (exact, like the JS test does)."""
    file, crop, transpose = IMAGES[name]
    with Image.open(os.path.join(IMAGE_DIR, file)) as im:
        rgb = np.asarray(im.convert('RGB'), dtype=np.uint8)
    if crop is not None:
        y0, x0, h, w = crop
        rgb = rgb[y0:y0 + h, x0:x0 + w]
    if transpose:
        rgb = rgb.transpose(1, 0, 2)
    return np.array(rgb, copy=True, order='C')


@contextlib.contextmanager
def linear_via_conv():
    """nn.Linear.forward as the equivalent 1x1 convolution (see the module docstring)."""
    original = nn.Linear.forward
    nn.Linear.forward = lambda self, x: linear_as_conv(self, x)
    try:
        yield
    finally:
        nn.Linear.forward = original


# ---------------------------------------------------------------------------------------------- models

class ResNetBN(ResNet):
    """torchvision's ResNet50 body with nn.BatchNorm2d (v2's backbone) and every width divided by k; no fc."""

    def __init__(self, k, layers=(3, 4, 6, 3)):
        nn.Module.__init__(self)
        self._norm_layer = nn.BatchNorm2d
        self.inplanes, self.dilation, self.groups, self.base_width = 64 // k, 1, 1, 64
        self.conv1 = nn.Conv2d(3, self.inplanes, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(self.inplanes)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(Bottleneck, 64 // k, layers[0])
        self.layer2 = self._make_layer(Bottleneck, 128 // k, layers[1], stride=2)
        self.layer3 = self._make_layer(Bottleneck, 256 // k, layers[2], stride=2)
        self.layer4 = self._make_layer(Bottleneck, 512 // k, layers[3], stride=2)


def build_v2(k, min_size=800, max_size=1333):
    """maskrcnn_resnet50_fpn_v2's modules (torchvision's classes) with widths / k: BatchNorm2d body and FPN,
    RPNHead(conv_depth=2), FastRCNNConvFCHead(4 x 256/k convs with BN, one FC of 1024/k), MaskRCNNHeads with BN."""
    if 64 % k:
        raise ValueError(f'width_div {k} must divide 64')
    f = 256 // k
    backbone = BackboneWithFPN(ResNetBN(k), {f'layer{i}': str(i - 1) for i in range(1, 5)},
                               [256 // k << i for i in range(4)], f, extra_blocks=LastLevelMaxPool(),
                               norm_layer=nn.BatchNorm2d)
    model = MaskRCNN(
        backbone, num_classes=None, min_size=min_size, max_size=max_size,
        rpn_head=RPNHead(f, 3, conv_depth=2),
        box_head=FastRCNNConvFCHead((f, 7, 7), [f] * 4, [1024 // k], norm_layer=nn.BatchNorm2d),
        box_predictor=FastRCNNPredictor(1024 // k, 91),
        mask_head=MaskRCNNHeads(f, [f] * 4, 1, norm_layer=nn.BatchNorm2d),
        mask_predictor=MaskRCNNPredictor(f, f, 91))
    return model.eval()


def model_for(version, k, state_dict):
    """The model a golden runs, eval, `state_dict` loaded strictly. v2 at K=1 is torchvision's own
    `maskrcnn_resnet50_fpn_v2(weights=None)`. v1 at K=1 is build_torchvision(1): the modules
    `maskrcnn_resnet50_fpn` builds for trained weights (FrozenBatchNorm2d body; with weights=None the builder
    would use BatchNorm2d), checked to hold the builder's tensors under the same names and shapes."""
    if version == 'v2' and k == 1:
        model = torchvision.models.detection.maskrcnn_resnet50_fpn_v2(weights=None, weights_backbone=None)
    elif version == 'v2':
        model = build_v2(k)
    else:
        model = build_torchvision(k)
        if k == 1:
            ref = torchvision.models.detection.maskrcnn_resnet50_fpn(weights=None, weights_backbone=None).state_dict()
            ref = {n: tuple(t.shape) for n, t in ref.items() if not n.endswith('num_batches_tracked')}
            ours = {n: tuple(t.shape) for n, t in model.state_dict().items()}
            if ref != ours:
                raise RuntimeError('build_torchvision(1) differs from maskrcnn_resnet50_fpn')
    model.load_state_dict(state_dict, strict=True)
    return model.eval()


def load_pth(path):
    import gzip
    import io
    with open(path, 'rb') as fh:
        raw = fh.read()
    if path.endswith('.gz'):
        raw = gzip.decompress(raw)
    return torch.load(io.BytesIO(raw))


# ---------------------------------------------------------------------------------------- v2 weights

def _is_bn(m):
    return isinstance(m, (nn.BatchNorm2d, FrozenBatchNorm2d))


def random_init_v2_(model, seed):
    """weights_init.random_init_'s recipe (kaiming weights, N(0, 0.1) biases from one seed, in state_dict
    order) with nn.BatchNorm2d's affine parameters set like FrozenBatchNorm's there: gamma U(0.6, 1.4)
    (0.25..0.5 on the last BN of a residual branch), beta N(0, 0.2)."""
    torch.manual_seed(seed)
    with torch.no_grad():
        bn_params = {id(p) for m in model.modules() if _is_bn(m) for p in m.parameters(recurse=False)}
        for name, p in model.named_parameters():
            if id(p) in bn_params:
                continue
            if name.endswith('weight') and p.dim() >= 2:
                mod = model.get_submodule(name.rsplit('.', 1)[0])
                fan_in = p[0].numel() if not isinstance(mod, nn.ConvTranspose2d) else p.shape[0] * p.shape[2] * p.shape[3] // 4
                p.normal_(0, 1).mul_(math.sqrt(2.0 / fan_in))
            else:
                p.normal_(0, 0.1)
        for mod_name, m in model.named_modules():
            if _is_bn(m):
                last = mod_name.endswith('bn3') or mod_name.endswith('downsample.1')
                lo, hi = (0.25, 0.5) if last else (0.6, 1.4)
                m.weight.uniform_(lo, hi)
                m.bias.normal_(0, 0.2)
                m.running_mean.zero_()
                m.running_var.fill_(1.0)


@contextlib.contextmanager
def bn_calibration(module):
    """While active, every BatchNorm under `module` takes its running statistics from its input batch."""
    def pre(m, inputs):
        x = inputs[0]
        with torch.no_grad():
            m.running_mean.copy_(x.mean(dim=(0, 2, 3)))
            m.running_var.copy_(x.var(dim=(0, 2, 3), unbiased=False).clamp(min=1e-4))
    handles = [m.register_forward_pre_hook(pre) for m in module.modules() if _is_bn(m)]
    try:
        yield
    finally:
        for h in handles:
            h.remove()


def _calibrate_rpn_v2_(head, ps, logit_std=1.2, logit_bias=-1.0, dxy_std=0.1, dwh_std=0.45):
    """weights_init.calibrate_rpn_ for a head of several convs: each conv to unit std over P2..P6 together."""
    flat = lambda ys: torch.cat([y.permute(1, 0, 2, 3).reshape(y.shape[1], -1) for y in ys], dim=1)
    with torch.no_grad():
        ts = ps
        for block in head.conv:
            conv = block[0]
            _fit_(conv.weight, conv.bias, flat([conv(t) for t in ts]), 1.0)
            ts = [F.relu(conv(t)) for t in ts]
        _fit_(head.cls_logits.weight, head.cls_logits.bias, flat([head.cls_logits(t) for t in ts]), logit_std)
        lg = flat([head.cls_logits(t) for t in ts])
        head.cls_logits.bias.sub_(lg.mean(dim=1)).add_(logit_bias)
        dl = flat([head.bbox_pred(t) for t in ts])
        stds = torch.tensor([dxy_std, dxy_std, dwh_std, dwh_std]).repeat(dl.shape[0] // 4)
        f = stds / torch.clamp(dl.std(dim=1), min=1e-6)
        head.bbox_pred.weight.mul_(f.reshape(-1, 1, 1, 1))
        head.bbox_pred.bias.mul_(f)
        head.bbox_pred.bias.sub_(flat([head.bbox_pred(t) for t in ts]).mean(dim=1))


def _calibrate_predictor_(bp, x, seed, num_classes=91, bg_bias=4.5, logit_std=1.5):
    """weights_init.calibrate_box_head_'s predictor part: class logits std 1.5 per class, background
    bias 4.5, the ACTIVE_CLASSES at +1..+3 and the rest at -6; box deltas std 0.5."""
    with torch.no_grad():
        _fit_(bp.cls_score.weight, bp.cls_score.bias, linear_as_conv(bp.cls_score, x), logit_std, per_channel=True)
        lg = linear_as_conv(bp.cls_score, x)
        g = torch.Generator().manual_seed(seed + 2)
        target = torch.full((num_classes,), -6.0)
        target[0] = bg_bias
        for c in ACTIVE_CLASSES:
            target[c] = 1.0 + 2.0 * float(torch.rand(1, generator=g))
        bp.cls_score.bias.sub_(lg.mean(dim=0)).add_(target)
        _fit_(bp.bbox_pred.weight, bp.bbox_pred.bias, linear_as_conv(bp.bbox_pred, x), 0.5, per_channel=True)
        bp.bbox_pred.bias.sub_(linear_as_conv(bp.bbox_pred, x).mean(dim=0))


def shaped_init_v2_(model, seed=SEED_V2):
    """weights_init's shaped recipe on v2's modules (tools/oracle/README.md, "Shaped init"): every
    BatchNorm (body, FPN, box and mask heads) takes its statistics from the synthetic calibration image,
    RPN convs and fc6 are rescaled to unit std, the predictors shaped as for v1; 8-bit rounding."""
    torch.set_num_threads(1)
    random_init_v2_(model, seed)
    h, w = CALIBRATION_HW
    model.transform.min_size, model.transform.max_size = (h,), w
    rgb = synthetic_image(h, w, seed, CONTRAST).flip(1) / 255.0
    norm = (rgb - torch.tensor(IMAGE_MEAN).view(1, 3, 1, 1)) / torch.tensor(IMAGE_STD).view(1, 3, 1, 1)
    with torch.no_grad(), bn_calibration(model.backbone):
        features = model.backbone(norm)
    _calibrate_rpn_v2_(model.rpn.head, list(features.values()))
    rh = model.roi_heads
    sizes = [CALIBRATION_HW]
    per_image = []
    # 300 proposals per image are plenty for statistics and keep the K=1 box head convs affordable.
    post_nms = model.rpn._post_nms_top_n
    model.rpn._post_nms_top_n = dict(post_nms, testing=300)
    with torch.no_grad():
        for n in range(rgb.shape[0]):
            images, _ = model.transform([rgb[n]])
            feats = model.backbone(images.tensors)
            props, _ = model.rpn(images, feats)
            per_image.append((feats, props))
        pooled = torch.cat([rh.box_roi_pool(f, p, sizes) for f, p in per_image])
        head = rh.box_head
        convs = nn.Sequential(*list(head)[:-3])  # the Conv2dNormActivation blocks; then Flatten, Linear, ReLU
        fc = head[-2]
        with bn_calibration(convs):
            x = torch.flatten(convs(pooled), 1)
        _fit_(fc.weight, fc.bias, linear_as_conv(fc, x), 1.0)
        _calibrate_predictor_(rh.box_predictor, F.relu(linear_as_conv(fc, x)), seed)
        mfeats = []
        with linear_via_conv():
            for feats, props in per_image:
                cls, reg = rh.box_predictor(head(rh.box_roi_pool(feats, props, sizes)))
                det_b, _, _ = rh.postprocess_detections(cls, reg, props, sizes)
                mfeats.append(rh.mask_roi_pool(feats, det_b, sizes))
        mfeats = torch.cat(mfeats)
        with bn_calibration(rh.mask_head):
            x = rh.mask_head(mfeats)
        mp = rh.mask_predictor
        _fit_(mp.conv5_mask.weight, mp.conv5_mask.bias, mp.conv5_mask(x), 1.0)
        x = F.relu(mp.conv5_mask(x))
        _fit_(mp.mask_fcn_logits.weight, mp.mask_fcn_logits.bias, mp.mask_fcn_logits(x), 3.0)
        mp.mask_fcn_logits.bias.sub_(mp.mask_fcn_logits(x).mean(dim=(0, 2, 3))).add_(0.5)
    model.rpn._post_nms_top_n = post_nms
    quantize_all_(model)
    return model


# ------------------------------------------------------------------------------------------- goldens

def run_torchvision(model, rgb, min_size, max_size, check_whole=True):
    """GeneralizedRCNN.forward spelled out (eval) so the transform's output and the detections before
    postprocess are visible; checked equal to model([image]) when `check_whole` (K > 1: the same code
    path at every width, and a second forward at K=1 would double the cache's generation time)."""
    model.transform.min_size, model.transform.max_size = (min_size,), max_size
    x = torch.from_numpy(rgb).permute(2, 0, 1).contiguous().to(torch.float32).div(255)  # to_tensor
    with torch.no_grad():
        images, _ = model.transform([x])
        features = model.backbone(images.tensors)
        proposals, _ = model.rpn(images, features)
        det, _ = model.roi_heads(features, proposals, images.image_sizes)
        resized = {k: v.clone() for k, v in det[0].items()}
        out = model.transform.postprocess(det, images.image_sizes, [tuple(rgb.shape[:2])])[0]
        whole = model([x])[0] if check_whole else out
    for k in ('boxes', 'labels', 'scores', 'masks'):
        if not torch.equal(whole[k], out[k]):
            raise RuntimeError(f'spelled-out forward differs from model([image]) in {k}')
    return images, proposals[0], resized, out


def golden(model, name, min_size, max_size, k):
    rgb = source_image(name)
    images, proposals, resized, out = run_torchvision(model, rgb, min_size, max_size, check_whole=k != 1)
    n = int(out['labels'].shape[0])
    masks = out['masks'][:, 0] > 0.5
    im_data = images.tensors
    tensors = {}
    if k == 1:
        tensors['im_data'] = im_data
        tensors['proposals'] = proposals
    else:
        g = torch.Generator().manual_seed(7)
        idx = torch.randint(0, im_data.numel(), (IM_DATA_SAMPLES,), generator=g).to(torch.int32)
        tensors['im_data_index'] = idx
        tensors['im_data_samples'] = im_data.reshape(-1)[idx.long()]
    tensors.update({
        'classes': out['labels'].to(torch.int32), 'scores': out['scores'], 'boxes': out['boxes'],
        'boxes_resized': resized['boxes'],
    })
    rows = n if k == 1 else min(n, COMMITTED_MASKS)
    tensors['raw_masks_sel'] = resized['masks'][:rows, 0]
    tensors['pasted_masks'] = masks[:rows].to(torch.uint8)
    meta = {
        'image': name, 'source': dict(zip(('file', 'crop', 'transpose'), IMAGES[name])),
        'orig_hw': list(rgb.shape[:2]), 'min_size': min_size, 'max_size': max_size,
        'resized_hw': list(images.image_sizes[0]), 'padded_hw': list(im_data.shape[-2:]),
        'image_mean': list(IMAGE_MEAN), 'image_std': list(IMAGE_STD),
        'input_note': 'torchvision fed the original image (to_tensor of the uint8 RGB); im_data = its transform\'s '
                      'normalised, resized, padded batch; boxes, pasted_masks in original pixels (transform.postprocess, '
                      'pasted_masks = masks > 0.5); boxes_resized, raw_masks_sel = roi_heads\' output before postprocess.',
        'counts': {'proposals': int(proposals.shape[0]), 'detections': n, 'pasted': int(tensors['pasted_masks'].shape[0])},
        'stats': {'classes': sorted(set(out['labels'].tolist())),
                  'score_range': [float(out['scores'].min()), float(out['scores'].max())] if n else [],
                  'mask_pixels_min': int(masks.flatten(1).sum(1).min()) if n else 0},
    }
    return tensors, meta


def weights_for(version, k, out_dir, v1_pth):
    """(state dict, path written or read) of `version` at width K."""
    if version == 'v1':
        return load_pth(v1_pth), v1_pth
    t0 = time.time()
    model = shaped_init_v2_(build_v2(k))
    path = export_pth(model, os.path.join(out_dir, 'model_torchvision_v2.pth'), gz=k != 1)
    plain = sum(p.numel() for p in model.parameters())
    print(f'[torchvision v2 K={k}] parameters() {plain:,}; weights in {time.time() - t0:.1f}s -> {path}')
    return model.state_dict(), path


def gen_exact(k, out_dir, v1_pth, goldens, versions=('v1', 'v2'), threads=2):
    """Writes `<version>_<image>_<min size>` goldens, for each (image, (min, max size)) of `goldens`, and v2's
    .pth into out_dir."""
    os.makedirs(out_dir, exist_ok=True)
    for version in versions:
        state_dict, _ = weights_for(version, k, out_dir, v1_pth)
        torch.set_num_threads(threads)
        model = model_for(version, k, state_dict)
        with linear_via_conv():
            for name, (min_size, max_size) in goldens:
                t = time.time()
                tensors, meta = golden(model, name, min_size, max_size, k)
                meta.update({'model': version, 'width_div': k, 'torchvision_version': torchvision.__version__,
                             'linear_as_conv': True})
                stem = os.path.join(out_dir, f'{version}_{name}_{min_size}')
                write_tensors(stem, tensors, meta, compress=k != 1)
                print(f'[torchvision {version} K={k}] {os.path.basename(stem)} {meta["orig_hw"]} -> '
                      f'{meta["resized_hw"]} in {time.time() - t:.1f}s: {meta["counts"]} {meta["stats"]}')
