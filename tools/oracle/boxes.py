"""Box arithmetic with the legacy Detectron (+1) convention, as segmentoly's utils/boxes.py does it.

Every function works on float32 torch tensors. Ties in score sorting are broken by the lower index
first (stable sort), so the TS side can reproduce the order exactly.
"""
import torch

from config import BBOX_CLIP


def make_anchors(widths, heights, stride, grid_h, grid_w):
    """Anchors of one level, [grid_h*grid_w*A, 4], flattened in (y, x, anchor) order.
    cell = [-w/2, -h/2, w/2, h/2] (no +-1); centre ((x+0.5)*stride, (y+0.5)*stride)."""
    cells = torch.tensor([[-w / 2, -h / 2, w / 2, h / 2] for w, h in zip(widths, heights)], dtype=torch.float32)
    xs = torch.arange(grid_w, dtype=torch.float32) * stride + stride * 0.5
    ys = torch.arange(grid_h, dtype=torch.float32) * stride + stride * 0.5
    sy, sx = torch.meshgrid(ys, xs, indexing='ij')
    shifts = torch.stack((sx, sy, sx, sy), dim=-1).reshape(-1, 1, 4)
    return (shifts + cells.unsqueeze(0)).reshape(-1, 4)


def decode(boxes, deltas, weights=(1.0, 1.0, 1.0, 1.0), clip=BBOX_CLIP):
    """boxes [N,4], deltas [N,4*C] -> [N,4*C]. w = x2-x1+1, cx = x1+0.5w,
    x1' = cx + w*(dx - 0.5*exp(dw)), x2' = cx + w*(dx - 0.5*exp(dw) + exp(dw)) - 1, dw,dh clamped <= clip."""
    n = deltas.shape[0]
    d = deltas.reshape(n, -1, 4)
    wx, wy, ww, wh = weights
    dx = d[..., 0] / wx
    dy = d[..., 1] / wy
    dw = torch.clamp(d[..., 2] / ww, max=clip)
    dh = torch.clamp(d[..., 3] / wh, max=clip)
    ew = torch.exp(dw) * 0.5
    eh = torch.exp(dh) * 0.5
    dx0 = dx - ew
    dy0 = dy - eh
    dx1 = ew * 2 + dx0
    dy1 = eh * 2 + dy0
    x0, y0, x1, y1 = [boxes[:, i:i + 1] for i in range(4)]
    w = x1 - x0 + 1
    h = y1 - y0 + 1
    cx = x0 + 0.5 * w
    cy = y0 + 0.5 * h
    out = torch.stack((w * dx0 + cx, h * dy0 + cy, w * dx1 + cx - 1, h * dy1 + cy - 1), dim=-1)
    return out.reshape(n, -1)


def clip_boxes(boxes, height, width):
    """x to [0, width-1], y to [0, height-1]; boxes [N, 4*C]."""
    n = boxes.shape[0]
    b = boxes.reshape(n, -1, 4)
    xs = torch.clamp(b[..., 0::2], min=0, max=width - 1)
    ys = torch.clamp(b[..., 1::2], min=0, max=height - 1)
    return torch.stack((xs[..., 0], ys[..., 0], xs[..., 1], ys[..., 1]), dim=-1).reshape(n, -1)


def sort_desc(scores):
    """Indices sorting scores descending, ties -> lower index first."""
    return torch.sort(scores, descending=True, stable=True)[1]


def nms_legacy(boxes, scores, iou_thr):
    """Greedy NMS, legacy areas (x2-x1+1)(y2-y1+1); a box is suppressed when IoU >= iou_thr with a kept,
    higher-ranked box. Returns kept indices in descending score order (ties: lower index first)."""
    if boxes.shape[0] == 0:
        return torch.zeros(0, dtype=torch.long)
    order = sort_desc(scores)
    b = boxes[order]
    x1, y1, x2, y2 = b.unbind(1)
    areas = (x2 - x1 + 1) * (y2 - y1 + 1)
    n = b.shape[0]
    suppressed = torch.zeros(n, dtype=torch.bool)
    keep = []
    for i in range(n):
        if suppressed[i]:
            continue
        keep.append(i)
        if i + 1 == n:
            break
        xx1 = torch.maximum(x1[i], x1[i + 1:])
        yy1 = torch.maximum(y1[i], y1[i + 1:])
        xx2 = torch.minimum(x2[i], x2[i + 1:])
        yy2 = torch.minimum(y2[i], y2[i + 1:])
        iw = torch.clamp(xx2 - xx1 + 1, min=0)
        ih = torch.clamp(yy2 - yy1 + 1, min=0)
        inter = iw * ih
        iou = inter / (areas[i] + areas[i + 1:] - inter)
        suppressed[i + 1:] |= iou >= iou_thr
    return order[torch.tensor(keep, dtype=torch.long)]


def roi_levels(rois, num_levels=4, canonical_level=2, canonical_scale=224.0):
    """Level index counted from P2: floor(2 + log2(sqrt((x2-x1+1)(y2-y1+1))/224 + 1e-6)) clamped to [0, 3]."""
    areas = (rois[:, 2] - rois[:, 0] + 1) * (rois[:, 3] - rois[:, 1] + 1)
    s = torch.sqrt(areas) / canonical_scale + 1e-6
    lv = torch.floor(torch.log2(s) + canonical_level)
    return torch.clamp(lv, min=0, max=num_levels - 1).to(torch.long)
