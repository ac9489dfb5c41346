"""The 0049 network at width-div K wired into torchvision's MaskRCNN training machinery.

Module names equal the canonical names of docs/CONVENTIONS.md section 2, so `export_state_dict`
loads straight into the oracle's MaskRCNN0049 (tools/oracle/model.py). Differences from torchvision's
defaults, all to follow the 0049 inference conventions:
- backbone: the oracle's Caffe-style ResNet50 body + FPN (P6 = maxpool k1 s2), BatchNorm trainable
  during training (from scratch) and folded/frozen at export;
- anchors: exactly the 0049 table (3 per level, cell [-w/2,-h/2,w/2,h/2], centres (x+0.5)*stride,
  (y, x, anchor) order);
- box coder: legacy +1 widths (w = x2 - x1 + 1, x2' = cx + w'/2 - 1), as the 0049 decode;
- no resize in the transform (inputs are exactly 320x480), BGR 0..255 minus the 0049 mean, std 1.
"""
import os
import sys
from collections import OrderedDict

import torch
import torch.nn.functional as F
from torch import nn
from torchvision.models.detection import MaskRCNN
from torchvision.models.detection import _utils as det_utils
from torchvision.models.detection.anchor_utils import AnchorGenerator
from torchvision.models.detection.faster_rcnn import FastRCNNPredictor, TwoMLPHead
from torchvision.models.detection.mask_rcnn import MaskRCNNPredictor
from torchvision.models.detection.transform import GeneralizedRCNNTransform
from torchvision.ops import FrozenBatchNorm2d, MultiScaleRoIAlign

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'oracle'))
from config import ANCHOR_HEIGHTS, ANCHOR_WIDTHS, MEAN_BGR, RPN_STRIDES, make_config  # noqa: E402
from model import FPN, ResNetBody  # noqa: E402

NUM_CLASSES = 7   # background + synthetic.CLASSES (6 shapes)


def _thaw_bn(module):
    """Replace every FrozenBatchNorm2d by a trainable BatchNorm2d (same state-dict keys + num_batches_tracked)."""
    for name, child in module.named_children():
        if isinstance(child, FrozenBatchNorm2d):
            setattr(module, name, nn.BatchNorm2d(child.weight.numel(), eps=child.eps))
        else:
            _thaw_bn(child)


class Backbone(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.body = ResNetBody(cfg)
        _thaw_bn(self.body)
        self.fpn = FPN(self.body.out_channels, cfg.fpn_ch)
        self.out_channels = cfg.fpn_ch

    def forward(self, x):
        ps = self.fpn(self.body(x))
        return OrderedDict([('0', ps[0]), ('1', ps[1]), ('2', ps[2]), ('3', ps[3]), ('pool', ps[4])])


class Anchors0049(AnchorGenerator):
    """The 0049 anchor table; one tensor per image, levels concatenated, (y, x, anchor) order per level."""

    def __init__(self):
        super().__init__(sizes=((32,),) * 5, aspect_ratios=((0.5, 1.0, 2.0),) * 5)
        self.cells = [torch.tensor([[-w / 2, -h / 2, w / 2, h / 2] for w, h in zip(ws, hs)], dtype=torch.float32)
                      for ws, hs in zip(ANCHOR_WIDTHS, ANCHOR_HEIGHTS)]

    def num_anchors_per_location(self):
        return [3] * 5

    def forward(self, image_list, feature_maps):
        per_level = []
        for cells, stride, f in zip(self.cells, RPN_STRIDES, feature_maps):
            gh, gw = f.shape[-2:]
            xs = torch.arange(gw, dtype=torch.float32) * stride + stride * 0.5
            ys = torch.arange(gh, dtype=torch.float32) * stride + stride * 0.5
            sy, sx = torch.meshgrid(ys, xs, indexing='ij')
            shifts = torch.stack((sx, sy, sx, sy), dim=-1).reshape(-1, 1, 4)
            per_level.append((shifts + cells.unsqueeze(0)).reshape(-1, 4))
        a = torch.cat(per_level)
        return [a for _ in range(len(image_list.image_sizes))]


class RPNHead(nn.Module):
    def __init__(self, f, a=3):
        super().__init__()
        self.conv = nn.Conv2d(f, f, 3, padding=1)
        self.cls_logits = nn.Conv2d(f, a, 1)
        self.bbox_pred = nn.Conv2d(f, 4 * a, 1)
        for layer in (self.conv, self.cls_logits, self.bbox_pred):
            nn.init.normal_(layer.weight, std=0.01)
            nn.init.zeros_(layer.bias)

    def forward(self, feats):
        logits, deltas = [], []
        for p in feats:
            t = F.relu(self.conv(p))
            logits.append(self.cls_logits(t))
            deltas.append(self.bbox_pred(t))
        return logits, deltas


class MaskHead(nn.Module):
    def __init__(self, cin, c):
        super().__init__()
        for i in range(4):
            conv = nn.Conv2d(cin if i == 0 else c, c, 3, padding=1)
            nn.init.kaiming_normal_(conv.weight, mode='fan_out', nonlinearity='relu')
            nn.init.zeros_(conv.bias)
            setattr(self, f'mask_fcn{i + 1}', conv)

    def forward(self, x):
        for i in range(4):
            x = F.relu(getattr(self, f'mask_fcn{i + 1}')(x))
        return x


class LegacyBoxCoder(det_utils.BoxCoder):
    """torchvision's BoxCoder with the Detectron legacy +1 widths of the 0049 decode."""

    def encode_single(self, reference_boxes, proposals):
        wx, wy, ww, wh = self.weights
        pw = proposals[:, 2] - proposals[:, 0] + 1
        ph = proposals[:, 3] - proposals[:, 1] + 1
        px = proposals[:, 0] + 0.5 * pw
        py = proposals[:, 1] + 0.5 * ph
        gw = reference_boxes[:, 2] - reference_boxes[:, 0] + 1
        gh = reference_boxes[:, 3] - reference_boxes[:, 1] + 1
        gx = reference_boxes[:, 0] + 0.5 * gw
        gy = reference_boxes[:, 1] + 0.5 * gh
        return torch.stack((wx * (gx - px) / pw, wy * (gy - py) / ph,
                            ww * torch.log(gw / pw), wh * torch.log(gh / ph)), dim=1)

    def decode_single(self, rel_codes, boxes):
        boxes = boxes.to(rel_codes.dtype)
        w = boxes[:, 2] - boxes[:, 0] + 1
        h = boxes[:, 3] - boxes[:, 1] + 1
        cx = boxes[:, 0] + 0.5 * w
        cy = boxes[:, 1] + 0.5 * h
        wx, wy, ww, wh = self.weights
        dx = rel_codes[:, 0::4] / wx
        dy = rel_codes[:, 1::4] / wy
        dw = torch.clamp(rel_codes[:, 2::4] / ww, max=self.bbox_xform_clip)
        dh = torch.clamp(rel_codes[:, 3::4] / wh, max=self.bbox_xform_clip)
        pcx = dx * w[:, None] + cx[:, None]
        pcy = dy * h[:, None] + cy[:, None]
        pw = torch.exp(dw) * w[:, None]
        ph = torch.exp(dh) * h[:, None]
        out = torch.stack((pcx - 0.5 * pw, pcy - 0.5 * ph, pcx + 0.5 * pw - 1, pcy + 0.5 * ph - 1), dim=2)
        return out.flatten(1)


class NoResizeTransform(GeneralizedRCNNTransform):
    def resize(self, image, target=None):
        return image, target


def build(width_div=8, box_batch=256, rpn_pre=1000, rpn_post=1000):
    cfg = make_config('0049', width_div=width_div)
    f = cfg.fpn_ch
    model = MaskRCNN(
        Backbone(cfg), num_classes=None,
        min_size=cfg.input_hw[0], max_size=cfg.input_hw[1],
        image_mean=list(MEAN_BGR), image_std=[1.0, 1.0, 1.0],
        rpn_anchor_generator=Anchors0049(), rpn_head=RPNHead(f, 3),
        rpn_pre_nms_top_n_train=rpn_pre, rpn_pre_nms_top_n_test=1000,
        rpn_post_nms_top_n_train=rpn_post, rpn_post_nms_top_n_test=1000,
        box_roi_pool=MultiScaleRoIAlign(['0', '1', '2', '3'], cfg.box_roi, cfg.sampling_ratio),
        box_head=TwoMLPHead(f * cfg.box_roi ** 2, cfg.fc_ch),
        box_predictor=FastRCNNPredictor(cfg.fc_ch, NUM_CLASSES),
        box_batch_size_per_image=box_batch, box_detections_per_img=100,
        mask_roi_pool=MultiScaleRoIAlign(['0', '1', '2', '3'], cfg.mask_roi, cfg.sampling_ratio),
        mask_head=MaskHead(f, cfg.mask_ch),
        mask_predictor=MaskRCNNPredictor(cfg.mask_ch, cfg.mask_ch, NUM_CLASSES),
    )
    model.transform = NoResizeTransform(cfg.input_hw[0], cfg.input_hw[1], list(MEAN_BGR), [1.0, 1.0, 1.0])
    model.rpn.box_coder = LegacyBoxCoder(weights=(1.0, 1.0, 1.0, 1.0))
    model.roi_heads.box_coder = LegacyBoxCoder(weights=(10.0, 10.0, 5.0, 5.0))
    return model, cfg


def set_bn_frozen(model, frozen):
    """frozen=True: BatchNorm uses its running statistics (as the exported FrozenBatchNorm will)."""
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.train(not frozen and model.training)


def export_state_dict(model):
    """Canonical-name float32 state dict (num_batches_tracked dropped) for the oracle / converter."""
    return OrderedDict((k, v.detach().clone().float()) for k, v in model.state_dict().items()
                       if not k.endswith('num_batches_tracked'))
