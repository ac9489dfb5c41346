"""ONNX (opset 11) export of the whole 0049 oracle network: inputs im_data [1,3,H,W] + im_info [1,3],
outputs classes [100] int32, scores [100], boxes [100,4], raw_masks [100,81,28,28] (the card's I/O).

The graph is traced from `Export0049`, an export-friendly restatement of pipeline.run_0049 built from the
same modules and the same box arithmetic (boxes.py); `check_onnx.mjs` runs it in onnxruntime against
the goldens. Export choices:
- Initializers keep the canonical state_dict names (docs/CONVENTIONS.md section 2): no constant folding,
  FrozenBatchNorm2d exported as a BatchNormalization node on its own four tensors, FC layers as Gemm
  (transB=1) on the [out,in] weights.
- Legacy (+1) NMS as ONNX NonMaxSuppression on boxes shifted by (0,0,1,1): the intersection and the areas
  then equal the legacy (x2-x1+1) ones exactly. ONNX suppresses on IoU > thr where segmentoly uses >=;
  only exact ties at the threshold can differ.
- Detection output: one NonMaxSuppression with the foreground classes as its batch axis (class-specific
  boxes), score_threshold 0.05 (strict >, as the oracle), at most 2000 per class; its output is
  class-major, score-descending, which is the order kept when <= 100 survive; otherwise top-100 by score.
- Multi-level RoIAlign: RoiAlign (avg, aligned=False, sampling 2) of every RoI on each of P2..P5, then a
  per-RoI select of its own level (exact; costs 4x the RoIAlign work but avoids empty gathers).
- Score sorting ties: onnxruntime's TopK/NMS prefer the lower index, like the oracle's stable sort.
"""
import os
import warnings
from contextlib import contextmanager

import torch
import torch.nn.functional as F
from torch import nn
from torchvision.models.detection._utils import _topk_min
from torchvision.ops import FrozenBatchNorm2d, nms, roi_align

from boxes import decode, make_anchors
from export import gzip_replace
from config import ANCHOR_HEIGHTS, ANCHOR_WIDTHS, MEAN_BGR, RPN_STRIDES

OPSET = 11
ROI_STRIDES = (4, 8, 16, 32)
LEGACY_SHIFT = (0.0, 0.0, 1.0, 1.0)


class BatchedNMS(torch.autograd.Function):
    """ONNX NonMaxSuppression over boxes [B,N,4] / scores [B,1,N] (one batch entry per class).
    The eager forward (used only while tracing) returns selected_indices [K,3] = (batch, 0, box)."""

    @staticmethod
    def forward(ctx, boxes, scores, max_per_batch, iou, score_thresh):  # noqa: D102
        rows = []
        for b in range(boxes.shape[0]):
            valid = torch.nonzero(scores[b, 0] > score_thresh).reshape(-1)
            keep = valid[nms(boxes[b, valid], scores[b, 0, valid], iou)][:max_per_batch]
            rows.append(torch.stack((torch.full_like(keep, b), torch.zeros_like(keep), keep), dim=1))
        return torch.cat(rows) if rows else torch.zeros(0, 3, dtype=torch.long)

    @staticmethod
    def symbolic(g, boxes, scores, max_per_batch, iou, score_thresh):  # noqa: D102
        c = lambda v, dt: g.op('Constant', value_t=torch.tensor([v], dtype=dt))
        return g.op('NonMaxSuppression', boxes, scores, c(max_per_batch, torch.long), c(iou, torch.float32),
                    c(score_thresh, torch.float32))


@contextmanager
def frozen_bn_as_batchnorm():
    """FrozenBatchNorm2d traced as F.batch_norm (one BatchNormalization node on the named tensors)."""
    orig = FrozenBatchNorm2d.forward

    def fwd(self, x):
        return F.batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias, False, 0.0, self.eps)
    FrozenBatchNorm2d.forward = fwd
    try:
        yield
    finally:
        FrozenBatchNorm2d.forward = orig


def clip(boxes, h, w):
    """boxes [N, 4*C]: x to [0, w-1], y to [0, h-1], with h, w 0-d tensors (from im_info)."""
    n = boxes.shape[0]
    b = boxes.reshape(n, -1, 2, 2)
    lim = torch.stack((w - 1, h - 1)).reshape(1, 1, 1, 2)
    return torch.min(torch.clamp(b, min=0.0), lim).reshape(n, -1)


def roi_levels(rois):
    """Same formula as boxes.roi_levels (ONNX has no Log2: log(x)/log(2))."""
    areas = (rois[:, 2] - rois[:, 0] + 1) * (rois[:, 3] - rois[:, 1] + 1)
    s = torch.sqrt(areas) / 224.0 + 1e-6
    return torch.clamp(torch.floor(torch.log(s) / 0.6931471805599453 + 2), min=0, max=3)


class Export0049(nn.Module):
    """Holds the oracle's learned modules under their own names so initializers stay canonical."""

    def __init__(self, model):
        super().__init__()
        self.cfg = model.cfg
        self.backbone = model.backbone
        self.rpn = model.rpn
        self.roi_heads = model.roi_heads

    def multilevel_roi_align(self, feats, rois, size):
        levels = roi_levels(rois).reshape(-1, 1, 1, 1)
        r = torch.cat((rois[:, :1] * 0, rois), dim=1)
        out = None
        for lv, (f, s) in enumerate(zip(feats, ROI_STRIDES)):
            y = roi_align(f, r, (size, size), spatial_scale=1.0 / s, sampling_ratio=self.cfg.sampling_ratio,
                          aligned=False)
            out = y if out is None else torch.where(levels == lv, y, out)
        return out

    def level_proposals(self, logits, deltas, anchors, h, w):
        cfg = self.cfg
        a = logits.shape[1]
        scores = torch.sigmoid(logits[0]).permute(1, 2, 0).reshape(-1)
        d = deltas[0].reshape(a, 4, deltas.shape[2], deltas.shape[3]).permute(2, 3, 0, 1).reshape(-1, 4)
        scores, order = scores.topk(min(cfg.pre_nms_per_level, int(scores.shape[0])))
        boxes = clip(decode(anchors[order], d[order]), h, w)
        keep = nms(boxes + torch.tensor(LEGACY_SHIFT), scores, cfg.rpn_nms_iou)[:cfg.post_nms_per_level]
        return boxes[keep], scores[keep]

    def forward(self, im_data, im_info):
        cfg = self.cfg
        h, w = im_info[0, 0], im_info[0, 1]
        x = im_data - torch.tensor(MEAN_BGR, dtype=torch.float32).reshape(1, 3, 1, 1)
        ps = self.backbone.fpn(self.backbone.body(x))
        bs, ss = [], []
        for i, (p, stride) in enumerate(zip(ps, RPN_STRIDES)):
            logits, deltas = self.rpn.head(p)
            anchors = make_anchors(ANCHOR_WIDTHS[i], ANCHOR_HEIGHTS[i], stride, int(p.shape[2]), int(p.shape[3]))
            b, s = self.level_proposals(logits, deltas, anchors, h, w)
            bs.append(b)
            ss.append(s)
        all_b, all_s = torch.cat(bs), torch.cat(ss)
        _, top = all_s.topk(_topk_min(all_s, cfg.post_nms_total, 0))
        rois = all_b[top]
        feats = ps[:4]
        rh = self.roi_heads
        t = self.multilevel_roi_align(feats, rois, cfg.box_roi).reshape(rois.shape[0], -1)
        t = F.relu(F.linear(t, rh.box_head.fc6.weight, rh.box_head.fc6.bias))
        t = F.relu(F.linear(t, rh.box_head.fc7.weight, rh.box_head.fc7.bias))
        probs = F.softmax(F.linear(t, rh.box_predictor.cls_score.weight, rh.box_predictor.cls_score.bias), dim=1)
        deltas = F.linear(t, rh.box_predictor.bbox_pred.weight, rh.box_predictor.bbox_pred.bias)
        n_cls = cfg.num_classes
        boxes = clip(decode(rois, deltas, weights=(10.0, 10.0, 5.0, 5.0)), h, w).reshape(-1, n_cls, 4)
        sel = BatchedNMS.apply(boxes[:, 1:].permute(1, 0, 2) + torch.tensor(LEGACY_SHIFT),
                               probs[:, 1:].t().unsqueeze(1), cfg.det_post_nms_per_class, cfg.det_nms_iou,
                               cfg.det_score_thresh)
        cls = sel[:, 0] + 1
        flat = sel[:, 2] * n_cls + cls
        det_s = probs.reshape(-1)[flat]
        det_b = boxes.reshape(-1, 4)[flat]
        m = cfg.max_detections
        many = (torch._shape_as_tensor(det_s)[0] > m).to(torch.float32)
        rank = -torch.arange(det_s.shape[0], dtype=torch.float32)   # class-major order when <= m survive
        _, pick = (many * det_s + (1 - many) * rank).topk(_topk_min(det_s, m, 0))
        scores = torch.cat((det_s[pick], torch.zeros(m)))[:m]
        boxes_out = torch.cat((det_b[pick], torch.zeros(m, 4)))[:m]
        classes = torch.cat((cls[pick], torch.zeros(m, dtype=torch.long)))[:m].to(torch.int32)
        mf = self.multilevel_roi_align(feats, boxes_out, cfg.mask_roi)
        raw_masks = torch.sigmoid(rh.mask_predictor(rh.mask_head(mf)))
        return classes, scores, boxes_out, raw_masks


def export_onnx(model, path, gz=False):
    """Trace and write <path> (and gzip it to <path>.gz when gz). Returns the written path."""
    cfg = model.cfg
    hh, ww = cfg.input_hw
    im_data = torch.zeros(1, 3, hh, ww)
    im_data[0, :, :hh, :ww] = 128.0
    im_info = torch.tensor([[float(hh), float(ww), 1.0]])
    wrapper = Export0049(model).eval()
    with torch.no_grad(), frozen_bn_as_batchnorm(), warnings.catch_warnings():
        warnings.simplefilter('ignore')  # tracer warnings: the input size is fixed by design
        torch.onnx.export(wrapper, (im_data, im_info), path, opset_version=OPSET, do_constant_folding=False,
                          training=torch.onnx.TrainingMode.PRESERVE, input_names=['im_data', 'im_info'],
                          output_names=['classes', 'scores', 'boxes', 'raw_masks'])
    check_initializer_names(path, model)
    return gzip_replace(path) if gz else path


def check_initializer_names(path, model):
    """Every state_dict tensor must be an initializer under its canonical name, with its shape."""
    import onnx
    m = onnx.load(path)
    inits = {t.name: list(t.dims) for t in m.graph.initializer}
    sd = {k: list(v.shape) for k, v in model.state_dict().items() if not k.endswith('num_batches_tracked')}
    missing = [k for k, s in sd.items() if inits.get(k) != s]
    if missing:
        raise RuntimeError(f'{path}: state_dict tensors not exported as canonical initializers: {missing[:5]}')
