"""The `torchvision` config: torchvision 0.14's own MaskRCNN classes (maskrcnn_resnet50_fpn layout, 91
classes, standard heads) with every channel count divided by K, seeded shaped init, exports and goldens.

Model: ResNet50 built from torchvision's Bottleneck (stride on the 3x3) with widths 64/K..2048/K and
FrozenBatchNorm2d, BackboneWithFPN (256/K, LastLevelMaxPool), RPNHead(256/K, 3), the default
AnchorGenerator, TwoMLPHead(256/K*7*7, 1024/K), FastRCNNPredictor(1024/K, 91), MaskRCNNHeads(256/K,
4 x 256/K), MaskRCNNPredictor(256/K, 256/K, 91). At K=1 this is maskrcnn_resnet50_fpn exactly.

Input: GeneralizedRCNNTransform normalises and resizes inside the model. It is pinned to be the identity
in size: min_size=320, max_size=480 and the model is always fed a 320x480 image, so the scale is 1 and
bilinear interpolation at scale 1 returns its input; 320x480 is a multiple of 32, so no batch padding.
The fed tensor is the 0049 preprocessing of the image (`fit` policy, same resize) in RGB order:
`im_data` [1,3,320,480] RGB 0..255 floats, zero-padded at the bottom/right, then `im_data/255`
normalised by torchvision with mean (0.485,0.456,0.406), std (0.229,0.224,0.225) -- i.e. the padding is
normalised too, like the TS model's mean-after-padding. torchvision treats the whole 320x480 tensor as the
image, so it clips to 320x480: `im_info` = [320, 480, 1] (not the resized size); boxes come back in
im_data pixels (postprocess rescales by 1).

Init: weights_init's generic steps (kaiming + BN statistics from the synthetic image, per-stage output
std, RPN/box/mask logit shaping, 8-bit rounding) applied to these modules. The synthetic image has
contrast 130 (0049: 70): with contrast 70, torchvision's std-normalised input let the high-contrast
astronaut image drive C5..P6 to ~3x the calibration std, saturating RPN and class scores (all > 0.99).
"""
import os
import time

import torch
import torch.nn.functional as F
from torch import nn
from torchvision.models.detection import MaskRCNN
from torchvision.models.detection.backbone_utils import BackboneWithFPN
from torchvision.models.detection.faster_rcnn import FastRCNNPredictor, TwoMLPHead
from torchvision.models.detection.mask_rcnn import MaskRCNNHeads, MaskRCNNPredictor
from torchvision.models.detection.rpn import RPNHead, concat_box_prediction_layers
from torchvision.models.resnet import Bottleneck, ResNet
from torchvision.ops import FrozenBatchNorm2d
from torchvision.ops.feature_pyramid_network import LastLevelMaxPool

from export import export_dump, export_pth, gzip_replace
from goldens import fixed_rois
from preprocess import load_rgb, preprocess
from tensorio import write_tensors
from weights_init import (_fit_, bn_calibration_hooks, calibrate_box_head_, calibrate_mask_head_,
                          calibrate_rpn_, quantize_all_, random_init_, synthetic_image)

IMAGE_MEAN = (0.485, 0.456, 0.406)
IMAGE_STD = (0.229, 0.224, 0.225)
INPUT_HW = (320, 480)
SEED = 91
CONTRAST = 130.0  # see shaped_init_
# Committed K=8 golden (kept <= ~1.5 MB): what is kept; the K=1 cache keeps every stage.
COMMITTED_KEEP = ('im_data', 'im_info', 'P5', 'P6', 'rpn_logits_P2', 'rpn_logits_P3', 'rpn_logits_P4',
                  'rpn_logits_P5', 'rpn_logits_P6', 'rpn_deltas_P6', 'proposals', 'proposal_scores', 'fixed_rois',
                  'roi_feats_fixed', 'classes', 'scores', 'boxes', 'raw_masks_sel', 'pasted_masks')


class ResNetK(ResNet):
    """torchvision ResNet50 body (Bottleneck, stride on the 3x3) with every width divided by k; no fc."""

    def __init__(self, k, layers=(3, 4, 6, 3)):
        nn.Module.__init__(self)
        self._norm_layer = FrozenBatchNorm2d
        self.inplanes, self.dilation, self.groups, self.base_width = 64 // k, 1, 1, 64
        self.conv1 = nn.Conv2d(3, self.inplanes, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = FrozenBatchNorm2d(self.inplanes)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(Bottleneck, 64 // k, layers[0])
        self.layer2 = self._make_layer(Bottleneck, 128 // k, layers[1], stride=2)
        self.layer3 = self._make_layer(Bottleneck, 256 // k, layers[2], stride=2)
        self.layer4 = self._make_layer(Bottleneck, 512 // k, layers[3], stride=2)


def build_torchvision(k):
    if 64 % k:
        raise ValueError(f'width_div {k} must divide 64')
    f = 256 // k
    body = ResNetK(k)
    backbone = BackboneWithFPN(body, {f'layer{i}': str(i - 1) for i in range(1, 5)},
                               [256 // k << i for i in range(4)], f, extra_blocks=LastLevelMaxPool())
    model = MaskRCNN(
        backbone, num_classes=None, min_size=INPUT_HW[0], max_size=INPUT_HW[1], image_mean=list(IMAGE_MEAN),
        image_std=list(IMAGE_STD), rpn_head=RPNHead(f, 3), box_head=TwoMLPHead(f * 7 * 7, 1024 // k),
        box_predictor=FastRCNNPredictor(1024 // k, 91), mask_head=MaskRCNNHeads(f, (f,) * 4, 1),
        mask_predictor=MaskRCNNPredictor(f, f, 91))
    return model.eval()


def count_params(model):
    """(parameters() count, BN-folded count: + one bias per FrozenBatchNorm channel)."""
    plain = sum(p.numel() for p in model.parameters())
    folded = plain + sum(m.bias.numel() for m in model.modules() if isinstance(m, FrozenBatchNorm2d))
    return plain, folded


def run_stages(model, im_data, rois=None):
    """im_data [1,3,320,480] RGB 0..255. Returns an ordered dict of every stage (GeneralizedRCNN.forward
    spelled out so the intermediates are visible)."""
    out = {}
    img = im_data[0] / 255.0
    images, _ = model.transform([img])
    if tuple(images.tensors.shape[-2:]) != INPUT_HW or images.image_sizes[0] != INPUT_HW:
        raise RuntimeError(f'transform is not identity-sized: {tuple(images.tensors.shape)} {images.image_sizes}')
    out['normalized'] = images.tensors
    cs = model.backbone.body(images.tensors)
    for i, c in enumerate(cs.values()):
        out[f'C{i + 2}'] = c
    features = model.backbone.fpn(cs)
    for i, p in enumerate(features.values()):
        out[f'P{i + 2}'] = p
    feats = list(features.values())
    rpn = model.rpn
    logits, deltas = rpn.head(feats)
    for i, (lg, dl) in enumerate(zip(logits, deltas)):
        out[f'rpn_logits_P{i + 2}'] = lg
        out[f'rpn_deltas_P{i + 2}'] = dl
    anchors = rpn.anchor_generator(images, feats)
    per_level = [lg[0].numel() for lg in logits]
    obj, dl = concat_box_prediction_layers(logits, deltas)
    props = rpn.box_coder.decode(dl.detach(), anchors).view(1, -1, 4)
    boxes, scores = rpn.filter_proposals(props, obj, images.image_sizes, per_level)
    out['proposals'], out['proposal_scores'] = boxes[0], scores[0]
    rh = model.roi_heads
    sizes = images.image_sizes
    if rois is not None:
        out['fixed_rois'] = rois
        out['roi_feats_fixed'] = rh.box_roi_pool(features, [rois], sizes)
    bf = rh.box_head(rh.box_roi_pool(features, boxes, sizes))
    cls_logits, box_reg = rh.box_predictor(bf)
    out['cls_logits'], out['bbox_deltas'] = cls_logits, box_reg
    det_b, det_s, det_l = rh.postprocess_detections(cls_logits, box_reg, boxes, sizes)
    out['classes'], out['scores'], out['boxes'] = det_l[0].to(torch.int32), det_s[0], det_b[0]
    mask_logits = rh.mask_predictor(rh.mask_head(rh.mask_roi_pool(features, det_b, sizes)))
    n = det_l[0].shape[0]
    out['raw_masks_sel'] = torch.sigmoid(mask_logits[torch.arange(n), det_l[0]])
    # model.transform.postprocess with original size == processed size: paste into 320x480, threshold 0.5.
    from torchvision.models.detection.roi_heads import paste_masks_in_image
    pasted = paste_masks_in_image(out['raw_masks_sel'][:, None], det_b[0], INPUT_HW)
    out['pasted_masks'] = (pasted[:, 0] > 0.5).to(torch.uint8)
    return out


def shaped_init_(model, seed=SEED):
    """weights_init's recipe on torchvision's modules (see the module docstring there)."""
    torch.set_num_threads(1)
    random_init_(model, seed)
    h, w = INPUT_HW
    bgr = synthetic_image(h, w, seed, CONTRAST)
    norm = (bgr.flip(1) / 255.0 - torch.tensor(IMAGE_MEAN).view(1, 3, 1, 1)) / torch.tensor(IMAGE_STD).view(1, 3, 1, 1)
    hooks = bn_calibration_hooks(model.backbone.body)
    with torch.no_grad():
        cs = list(model.backbone.body(norm).values())
    for hd in hooks:
        hd.remove()
    fpn = model.backbone.fpn
    with torch.no_grad():
        for blk, c in zip(fpn.inner_blocks, cs):
            _fit_(blk[0].weight, blk[0].bias, blk(c), 1.0)
        top = fpn.inner_blocks[-1](cs[-1])
        tops = [top]
        for i in range(len(cs) - 2, -1, -1):
            lat = fpn.inner_blocks[i](cs[i])
            top = lat + F.interpolate(top, size=lat.shape[-2:], mode='nearest')
            tops.insert(0, top)
        for blk, t in zip(fpn.layer_blocks, tops):
            _fit_(blk[0].weight, blk[0].bias, blk(t), 1.0)
        ps = list(fpn({str(i): c for i, c in enumerate(cs)}).values())
    calibrate_rpn_(model.rpn.head, ps, conv=model.rpn.head.conv[0][0])
    rh = model.roi_heads
    sizes = [INPUT_HW]
    feats_all, props_all = [], []
    with torch.no_grad():
        for n in range(norm.shape[0]):
            images, _ = model.transform([bgr[n].flip(0) / 255.0])
            features = model.backbone(images.tensors)
            props, _ = model.rpn(images, features)
            props_all.append((features, props))
            feats_all.append(rh.box_roi_pool(features, props, sizes))
    calibrate_box_head_(rh, torch.cat(feats_all), seed, 91)
    mfeats = []
    with torch.no_grad():
        for features, props in props_all:
            bf = rh.box_head(rh.box_roi_pool(features, props, sizes))
            det_b, _, _ = rh.postprocess_detections(*rh.box_predictor(bf), props, sizes)
            mfeats.append(rh.mask_roi_pool(features, det_b, sizes))
    mp = rh.mask_predictor
    calibrate_mask_head_(rh.mask_head, [rh.mask_head[i][0] for i in range(4)], mp.conv5_mask, mp.mask_fcn_logits,
                         torch.cat(mfeats))
    quantize_all_(model)
    return model


def golden(model, image_path, policy='fit'):
    rgb = load_rgb(image_path)
    bgr_data, _, scale, (h, w) = preprocess(rgb, policy, INPUT_HW)
    if tuple(bgr_data.shape[-2:]) != INPUT_HW:
        raise ValueError(f'{image_path}: {policy} gives {tuple(bgr_data.shape[-2:])}, the torchvision golden needs '
                         f'{INPUT_HW} (portrait images do not fit)')
    im_data = bgr_data.flip(1).contiguous()
    with torch.no_grad():
        out = run_stages(model, im_data, fixed_rois(*INPUT_HW))
    tensors = {'image_rgb': rgb, 'im_data': im_data, 'im_info': torch.tensor([[float(INPUT_HW[0]), float(INPUT_HW[1]), 1.0]])}
    tensors.update(out)
    n = int(out['classes'].shape[0])
    meta = {
        'image': os.path.basename(image_path), 'policy': policy, 'config': 'torchvision',
        'resize_scale': scale, 'orig_hw': list(rgb.shape[:2]), 'resized_hw': [h, w], 'padded_hw': list(INPUT_HW),
        'input_note': 'im_data: RGB 0..255, zero-padded, not normalised; torchvision got im_data/255 and '
                      'normalised it with image_mean/std (padding included). im_info = [320, 480, 1]: torchvision '
                      'clips to the whole tensor. Outputs are unpadded (N rows, score-descending); boxes, '
                      'pasted_masks in im_data pixels; raw_masks_sel = sigmoid mask of each row\'s label.',
        'image_mean': list(IMAGE_MEAN), 'image_std': list(IMAGE_STD),
        'counts': {'proposals': int(out['proposals'].shape[0]), 'detections': n},
        'stats': {
            'proposal_scores_range': [float(out['proposal_scores'].min()), float(out['proposal_scores'].max())],
            'proposal_roi_level_hist': torch.bincount(model.roi_heads.box_roi_pool.map_levels([out['proposals']]),
                                                      minlength=4).tolist(),
            'detections': n, 'classes': sorted(set(out['classes'].tolist())),
            'score_range': [float(out['scores'].min()), float(out['scores'].max())] if n else [],
            'mask_prob_std': float(out['raw_masks_sel'].std()) if n else 0.0},
    }
    return tensors, meta


def gen_torchvision(k, out, images, policies, compress, pth_gz, onnx):
    """Weights (.pth with torchvision 0.14 state_dict names, the same names in weights_torchvision dump),
    optional ONNX, and one golden per image/policy. K != 1 goldens keep COMMITTED_KEEP only."""
    os.makedirs(out, exist_ok=True)
    t0 = time.time()
    model = shaped_init_(build_torchvision(k))
    plain, folded = count_params(model)
    print(f'[torchvision K={k}] parameters: {plain:,} (parameters()), {folded:,} with FrozenBN folded to biases')
    meta = {'config': 'torchvision', 'width_div': k, 'seed': SEED, 'params': plain, 'params_bn_folded': folded,
            'torchvision_version': __import__('torchvision').__version__}
    export_dump(model, os.path.join(out, 'weights_torchvision'), meta, compress=compress)
    export_pth(model, os.path.join(out, 'model_torchvision.pth'), gz=pth_gz)
    if onnx:
        try:
            export_torchvision_onnx(model, os.path.join(out, 'model_torchvision.onnx'), gz=pth_gz)
        except Exception as e:  # noqa: BLE001 - ONNX of torchvision's class is optional
            print(f'[torchvision K={k}] ONNX export failed: {e}')
    print(f'[torchvision K={k}] weights in {time.time() - t0:.1f}s')
    for img in images:
        for pol in policies:
            t = time.time()
            tensors, gmeta = golden(model, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..',
                                                        'test', 'fixtures', 'images', img), pol)
            dropped = [] if k == 1 else [n for n in tensors if n not in COMMITTED_KEEP]
            for name in dropped:
                del tensors[name]
            gmeta['dropped'] = dropped
            stem = os.path.join(out, f'{os.path.splitext(img)[0]}_{pol}')
            write_tensors(stem, tensors, gmeta, compress=compress)
            print(f'[torchvision K={k}] {os.path.basename(stem)} in {time.time() - t:.1f}s: {gmeta["stats"]}')
    return model


def export_torchvision_onnx(model, path, gz=False):
    """torchvision's own ONNX path (opset 11) of the whole model on a [3,320,480] 0..1 image input."""
    import warnings
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter('ignore')
        torch.onnx.export(model, ([torch.rand(3, *INPUT_HW)],), path, opset_version=11,
                          input_names=['image'], output_names=['boxes', 'labels', 'scores', 'masks'])
    return gzip_replace(path) if gz else path
