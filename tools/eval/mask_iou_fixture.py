"""Mask IoU reference for the TS COCO evaluator, computed with dense numpy masks.

For every annotation of test/fixtures/coco-val2017-mini the mask is built densely: polygons with
pycocotools' rasterisation rule (maskApi.c rleFrPoly, re-implemented here with numpy), crowd RLEs by
column-major run expansion. Then numpy gives, per image:
  - area and [x, y, w, h] extent of every mask,
  - IoU of every pair of annotations whose masks overlap (plain IoU; with the crowd rule
    inter / area(dt) when the second one is a crowd),
  - IoU of every non-crowd mask with itself shifted by (+3, -2) pixels (zero fill).
The TS test rebuilds the same masks from the annotations with its own RLE code and compares.

    /usr/bin/python3 tools/eval/mask_iou_fixture.py   (writes test/fixtures/coco-val2017-mini/mask_iou_numpy.json)
"""
import json
import math
import os

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
MINI = os.path.join(ROOT, 'test', 'fixtures', 'coco-val2017-mini')
SHIFT = (3, -2)   # dx, dy


def poly_mask(xy, h, w):
    """Dense bool [h, w] of one polygon with pycocotools' rule: for each column crossing of the 5x
    upsampled outline, pixels from the crossing's row downwards toggle (parity fill per column)."""
    s = 5.0
    x = np.trunc(s * np.asarray(xy[0::2], np.float64) + 0.5).astype(np.int64)
    y = np.trunc(s * np.asarray(xy[1::2], np.float64) + 0.5).astype(np.int64)
    x = np.append(x, x[0])
    y = np.append(y, y[0])
    us, vs = [], []
    for j in range(len(x) - 1):
        xs, xe, ys, ye = x[j], x[j + 1], y[j], y[j + 1]
        dx, dy = abs(xe - xs), abs(ys - ye)
        flip = (dx >= dy and xs > xe) or (dx < dy and ys > ye)
        if flip:
            xs, xe, ys, ye = xe, xs, ye, ys
        if dx >= dy:
            t = np.arange(dx + 1)
            t = dx - t if flip else t
            sl = (ye - ys) / dx if dx else 0.0
            us.append(t + xs)
            vs.append(np.trunc(ys + sl * t + 0.5).astype(np.int64))
        else:
            t = np.arange(dy + 1)
            t = dy - t if flip else t
            sl = (xe - xs) / dy
            vs.append(t + ys)
            us.append(np.trunc(xs + sl * t + 0.5).astype(np.int64))
    u = np.concatenate(us)
    v = np.concatenate(vs)
    ch = np.flatnonzero(u[1:] != u[:-1]) + 1
    xd = np.where(u[ch] < u[ch - 1], u[ch], u[ch] - 1).astype(np.float64)
    xd = (xd + 0.5) / s - 0.5
    yd = np.minimum(v[ch], v[ch - 1]).astype(np.float64)
    yd = (yd + 0.5) / s - 0.5
    ok = (np.floor(xd) == xd) & (xd >= 0) & (xd <= w - 1)
    xd, yd = xd[ok].astype(np.int64), np.ceil(np.clip(yd[ok], 0, h)).astype(np.int64)
    # each crossing toggles the column from row yd down; parity of toggles above a pixel = inside
    toggles = np.zeros((h + 1, w), np.int64)
    np.add.at(toggles, (yd, xd), 1)
    return (np.cumsum(toggles, axis=0)[:h] % 2).astype(bool)


def rle_mask(rle):
    h, w = rle['size']
    flat = np.zeros(h * w, bool)
    pos, val = 0, False
    for c in rle['counts']:
        flat[pos:pos + c] = val
        pos += c
        val = not val
    return flat.reshape((w, h)).T


def ann_mask(ann, h, w):
    seg = ann['segmentation']
    if isinstance(seg, list):
        m = np.zeros((h, w), bool)
        for p in seg:
            m |= poly_mask(p, h, w)
        return m
    return rle_mask(seg)


def shifted(m, dx, dy):
    out = np.zeros_like(m)
    h, w = m.shape
    out[max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = m[max(-dy, 0):h + min(-dy, 0), max(-dx, 0):w + min(-dx, 0)]
    return out


def extent(m):
    ys, xs = np.nonzero(m)
    if len(xs) == 0:
        return [0, 0, 0, 0]
    return [int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1)]


def main():
    data = json.load(open(os.path.join(MINI, 'instances_val2017.json')))
    imgs = {im['id']: im for im in data['images']}
    by_img = {}
    for a in data['annotations']:
        by_img.setdefault(a['image_id'], []).append(a)
    masks, pairs, shifts = [], [], []
    for img_id in sorted(by_img):
        im = imgs[img_id]
        anns = by_img[img_id]
        ms = [ann_mask(a, im['height'], im['width']) for a in anns]
        for a, m in zip(anns, ms):
            masks.append({'id': a['id'], 'area': int(m.sum()), 'bbox': extent(m)})
            if not a['iscrowd']:
                s = shifted(m, *SHIFT)
                inter, union = int((m & s).sum()), int((m | s).sum())
                shifts.append({'id': a['id'], 'iou': inter / union if union else 0.0})
        for i, (a, m) in enumerate(zip(anns, ms)):
            for j, (b, n) in enumerate(zip(anns, ms)):
                if i == j:
                    continue
                inter = int((m & n).sum())
                if inter == 0:
                    continue
                union = int(m.sum()) if b['iscrowd'] else int((m | n).sum())
                pairs.append({'dt': a['id'], 'gt': b['id'], 'gtCrowd': bool(b['iscrowd']), 'iou': inter / union})
    out = {'source': 'tools/eval/mask_iou_fixture.py (numpy dense masks)', 'shift': list(SHIFT),
           'masks': masks, 'pairs': pairs, 'shifted': shifts}
    path = os.path.join(MINI, 'mask_iou_numpy.json')
    with open(path, 'w') as f:
        json.dump(out, f, separators=(',', ':'))
    print(f'wrote {path}: {len(masks)} masks, {len(pairs)} overlapping pairs, {len(shifts)} shifted')


if __name__ == '__main__':
    main()
