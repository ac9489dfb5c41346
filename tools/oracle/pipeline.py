"""Inference of the 0049 reference (segmentoly semantics) returning every intermediate the goldens hold."""
import torch
import torch.nn.functional as F
from torchvision.ops import roi_align

from boxes import clip_boxes, decode, make_anchors, nms_legacy, roi_levels, sort_desc
from config import ANCHOR_HEIGHTS, ANCHOR_WIDTHS, MEAN_BGR, RPN_STRIDES

ROI_STRIDES = (4, 8, 16, 32)


def level_proposals(logits, deltas, anchors, im_h, im_w, cfg):
    """One RPN level: sigmoid, top-k, decode (1,1,1,1), clip, min_size 0, NMS, keep <= post_nms_per_level."""
    a = logits.shape[1]
    scores = torch.sigmoid(logits[0]).permute(1, 2, 0).reshape(-1)          # (y, x, anchor)
    d = deltas[0].reshape(a, 4, *deltas.shape[-2:]).permute(2, 3, 0, 1).reshape(-1, 4)
    order = sort_desc(scores)[:cfg.pre_nms_per_level]
    boxes = clip_boxes(decode(anchors[order], d[order]), im_h, im_w)
    scores = scores[order]
    ws = boxes[:, 2] - boxes[:, 0] + 1
    hs = boxes[:, 3] - boxes[:, 1] + 1
    ok = (ws >= 0) & (hs >= 0)
    boxes, scores = boxes[ok], scores[ok]
    keep = nms_legacy(boxes, scores, cfg.rpn_nms_iou)[:cfg.post_nms_per_level]
    return boxes[keep], scores[keep]


def multilevel_roi_align(feats, rois, size, sampling_ratio):
    """RoIAlign (aligned=False) of each RoI on its level P2..P5 (roi_levels); output in RoI order."""
    levels = roi_levels(rois, num_levels=len(feats))
    out = rois.new_zeros((rois.shape[0], feats[0].shape[1], size, size))
    for lv, (f, s) in enumerate(zip(feats, ROI_STRIDES)):
        idx = torch.nonzero(levels == lv).reshape(-1)
        if idx.numel():
            r = torch.cat((torch.zeros(idx.numel(), 1), rois[idx]), dim=1)
            out[idx] = roi_align(f, r, (size, size), spatial_scale=1.0 / s, sampling_ratio=sampling_ratio,
                                 aligned=False)
    return out, levels


def detection_output(rois, probs, deltas, im_h, im_w, cfg):
    """Class-specific decode (10,10,5,5), clip, per-class threshold + NMS, top-100 rule, pad to 100."""
    n_cls = cfg.num_classes
    boxes = clip_boxes(decode(rois, deltas, weights=(10.0, 10.0, 5.0, 5.0)), im_h, im_w).reshape(-1, n_cls, 4)
    all_b, all_s, all_c = [], [], []
    for j in range(1, n_cls):
        valid = torch.nonzero(probs[:, j] > cfg.det_score_thresh).reshape(-1)
        if valid.numel() == 0:
            continue
        b, s = boxes[valid, j], probs[valid, j]
        keep = nms_legacy(b, s, cfg.det_nms_iou)[:cfg.det_post_nms_per_class]
        all_b.append(b[keep])
        all_s.append(s[keep])
        all_c.append(torch.full((keep.numel(),), j, dtype=torch.long))
    m = cfg.max_detections
    b = torch.cat(all_b) if all_b else torch.zeros(0, 4)
    s = torch.cat(all_s) if all_s else torch.zeros(0)
    c = torch.cat(all_c) if all_c else torch.zeros(0, dtype=torch.long)
    survivors = int(s.numel())
    if survivors > m:
        top = sort_desc(s)[:m]  # ties: earlier in class-major order first
        b, s, c = b[top], s[top], c[top]
    pad = m - b.shape[0]
    boxes_out = torch.cat((b, torch.zeros(pad, 4)))
    scores_out = torch.cat((s, torch.zeros(pad)))
    classes_out = torch.cat((c, torch.zeros(pad, dtype=torch.long))).to(torch.int32)
    return classes_out, scores_out, boxes_out, survivors


def run_0049(model, im_data, im_info, fixed_rois=None):
    """model: MaskRCNN0049; im_data [1,3,Hp,Wp] BGR without mean; im_info [1,3]. Returns an ordered dict."""
    cfg = model.cfg
    out = {}
    im_h, im_w = int(im_info[0, 0]), int(im_info[0, 1])
    x = im_data - torch.tensor(MEAN_BGR, dtype=torch.float32).view(1, 3, 1, 1)
    cs = model.backbone.body(x)
    ps = model.backbone.fpn(cs)
    for i, c in enumerate(cs):
        out[f'C{i + 2}'] = c
    for i, p in enumerate(ps):
        out[f'P{i + 2}'] = p
    boxes_l, scores_l, level_counts = [], [], []
    for i, (p, stride) in enumerate(zip(ps, RPN_STRIDES)):
        logits, deltas = model.rpn.head(p)
        out[f'rpn_logits_P{i + 2}'] = logits
        out[f'rpn_deltas_P{i + 2}'] = deltas
        anchors = make_anchors(ANCHOR_WIDTHS[i], ANCHOR_HEIGHTS[i], stride, p.shape[-2], p.shape[-1])
        b, s = level_proposals(logits, deltas, anchors, im_h, im_w, cfg)
        boxes_l.append(b)
        scores_l.append(s)
        level_counts.append(int(b.shape[0]))
    all_b, all_s = torch.cat(boxes_l), torch.cat(scores_l)
    src_level = torch.cat([torch.full((n,), i, dtype=torch.int32) for i, n in enumerate(level_counts)])
    top = sort_desc(all_s)[:cfg.post_nms_total]
    proposals, proposal_scores = all_b[top], all_s[top]
    out['proposals'] = proposals
    out['proposal_scores'] = proposal_scores
    out['proposal_rpn_level'] = src_level[top]               # 0..4 = P2..P6 the proposal came from
    feats = ps[:4]
    if fixed_rois is not None:
        out['fixed_rois'] = fixed_rois
        fixed_feats, fixed_levels = multilevel_roi_align(feats, fixed_rois, cfg.box_roi, cfg.sampling_ratio)
        out['roi_feats_fixed'] = fixed_feats
        out['fixed_roi_levels'] = fixed_levels.to(torch.int32)
    box_feats, levels = multilevel_roi_align(feats, proposals, cfg.box_roi, cfg.sampling_ratio)
    out['proposal_roi_levels'] = levels.to(torch.int32)      # 0..3 = P2..P5
    h = model.roi_heads.box_head(box_feats)
    cls_logits, bbox_deltas = model.roi_heads.box_predictor(h)
    out['cls_logits'] = cls_logits
    out['bbox_deltas'] = bbox_deltas
    probs = F.softmax(cls_logits, dim=1)
    classes, scores, boxes, survivors = detection_output(proposals, probs, bbox_deltas, im_h, im_w, cfg)
    out['classes'] = classes
    out['scores'] = scores
    out['boxes'] = boxes
    mask_feats, mask_levels = multilevel_roi_align(feats, boxes, cfg.mask_roi, cfg.sampling_ratio)
    out['det_roi_levels'] = mask_levels.to(torch.int32)
    out['raw_masks'] = torch.sigmoid(model.roi_heads.mask_predictor(model.roi_heads.mask_head(mask_feats)))
    stats = {
        'proposals_per_rpn_level_after_nms': level_counts,
        'proposals_rpn_level_hist': torch.bincount(out['proposal_rpn_level'].long(), minlength=5).tolist(),
        'proposal_roi_level_hist': torch.bincount(levels, minlength=4).tolist(),
        'detections_before_cap': survivors,
        'detections': int((classes > 0).sum()),
        'det_roi_level_hist': torch.bincount(mask_levels, minlength=4).tolist(),
    }
    return out, stats
