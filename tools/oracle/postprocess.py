"""Mask paste into the original image (segmentoly utils/postprocess.py segm_postprocess semantics).
See README.md "Mask paste" for the formula; all box arithmetic is float64."""
import math

import numpy as np
import torch
import torch.nn.functional as F


def expanded_box(box, scale):
    """box (x1,y1,x2,y2) float64 in original pixels -> integer box expanded by `scale` about its centre,
    truncated toward zero (numpy astype(int))."""
    x1, y1, x2, y2 = [float(v) for v in box]
    wh, hh = (x2 - x1) * 0.5 * scale, (y2 - y1) * 0.5 * scale
    cx, cy = (x2 + x1) * 0.5, (y2 + y1) * 0.5
    return [int(math.trunc(v)) for v in (cx - wh, cy - hh, cx + wh, cy + hh)]


def paste_mask(mask28, box, im_h, im_w):
    """mask28: float [M, M] probabilities of the row's class; box in original pixels. -> uint8 [im_h, im_w]."""
    m = mask28.shape[0]
    padded = F.pad(torch.as_tensor(mask28, dtype=torch.float32), (1, 1, 1, 1))
    ex1, ey1, ex2, ey2 = expanded_box(box, (m + 2) / float(m))
    w, h = max(ex2 - ex1 + 1, 1), max(ey2 - ey1 + 1, 1)
    resized = F.interpolate(padded[None, None], size=(h, w), mode='bilinear', align_corners=False,
                            antialias=False)[0, 0] > 0.5
    out = np.zeros((im_h, im_w), dtype=np.uint8)
    x0, y0 = min(max(ex1, 0), im_w), min(max(ey1, 0), im_h)
    x1, y1 = min(max(ex2 + 1, 0), im_w), min(max(ey2 + 1, 0), im_h)
    if x1 > x0 and y1 > y0:
        out[y0:y1, x0:x1] = resized[y0 - ey1:y1 - ey1, x0 - ex1:x1 - ex1].numpy().astype(np.uint8)
    return out


def paste_all(classes, boxes, raw_masks_sel, scale, im_h, im_w):
    """Pasted masks [M, im_h, im_w] for the leading rows with class > 0 (boxes divided by scale)."""
    rows = int((classes > 0).sum())
    out = np.zeros((rows, im_h, im_w), dtype=np.uint8)
    b = boxes.detach().numpy().astype(np.float64) / float(scale)
    for i in range(rows):
        out[i] = paste_mask(raw_masks_sel[i], b[i], im_h, im_w)
    return out
