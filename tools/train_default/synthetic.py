"""Seeded synthetic instance-segmentation data: coloured shapes on textured backgrounds.

Every image is a pure function of its seed (numpy Generator + PIL rasterisation), so the training
stream needs no storage and the held-out split is reproducible. Instance masks are exact: each
shape is rasterised once into its own mask, later shapes occlude earlier ones, and the annotation
keeps only the visible part. Placements that would hide more than half of an earlier shape are
retried, so every drawn shape is annotated.

    python3 tools/train_default/synthetic.py --out .cache/synthetic/val --count 200 --seed-base 0
writes `<out>/images/*.png` and `<out>/instances.json` (COCO, uncompressed RLE masks).
"""
import argparse
import json
import math
import os

import numpy as np
from PIL import Image, ImageDraw

CLASSES = ('circle', 'square', 'triangle', 'star', 'ring', 'cross')
H, W = 320, 480
MIN_VISIBLE = 0.5        # an earlier shape must keep at least this fraction of its area
MIN_AREA = 48            # pixels


def _smooth_noise(rng, h, w, cells):
    img = np.zeros((h, w), np.float32)
    for cell in cells:
        gh, gw = h // cell + 2, w // cell + 2
        coarse = Image.fromarray(rng.random((gh, gw), dtype=np.float32) - 0.5, mode='F')
        up = np.asarray(coarse.resize((gw * cell, gh * cell), Image.BILINEAR))[:h, :w]
        img += math.sqrt(cell) * up
    return img / (np.abs(img).max() + 1e-6)


def background(rng, h, w):
    """uint8 [h,w,3]: smooth noise, linear gradient, stripes or checkerboard in two random colours."""
    c0, c1 = rng.uniform(0, 255, 3), rng.uniform(0, 255, 3)
    kind = rng.integers(4)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    if kind == 0:
        t = 0.5 + 0.5 * _smooth_noise(rng, h, w, (4, 16, 64))
    elif kind == 1:
        a = rng.uniform(0, 2 * math.pi)
        p = xx * math.cos(a) + yy * math.sin(a)
        t = (p - p.min()) / (p.max() - p.min() + 1e-6)
    elif kind == 2:
        a, period = rng.uniform(0, math.pi), rng.uniform(8, 48)
        p = xx * math.cos(a) + yy * math.sin(a)
        t = 0.5 + 0.5 * np.sin(p * 2 * math.pi / period)
    else:
        cell = int(rng.integers(12, 60))
        t = ((xx // cell + yy // cell) % 2).astype(np.float32)
    t = t[..., None]
    img = c0 * (1 - t) + c1 * t
    img += rng.normal(0, rng.uniform(2, 14), (h, w, 1)) + rng.normal(0, 3, (h, w, 3))
    return np.clip(img, 0, 255)


def _rot(points, angle, cx, cy):
    c, s = math.cos(angle), math.sin(angle)
    return [(cx + x * c - y * s, cy + x * s + y * c) for x, y in points]


def _ellipse(rx, ry, n=72):
    return [(rx * math.cos(2 * math.pi * i / n), ry * math.sin(2 * math.pi * i / n)) for i in range(n)]


def shape_polygons(cls, r, rng):
    """(outer polygon, hole polygon or None) centred at 0, radius ~r, before rotation."""
    name = CLASSES[cls - 1]
    if name == 'circle':
        return _ellipse(r, r * rng.uniform(0.85, 1.15)), None
    if name == 'square':
        a = r * 0.85
        b = a * rng.uniform(0.8, 1.0)
        return [(-a, -b), (a, -b), (a, b), (-a, b)], None
    if name == 'triangle':
        return [(r * math.cos(t), r * math.sin(t)) for t in
                (-math.pi / 2 + k * 2 * math.pi / 3 + rng.uniform(-0.15, 0.15) for k in range(3))], None
    if name == 'star':
        inner = rng.uniform(0.38, 0.5)
        return [((r if k % 2 == 0 else r * inner) * math.cos(-math.pi / 2 + k * math.pi / 5),
                 (r if k % 2 == 0 else r * inner) * math.sin(-math.pi / 2 + k * math.pi / 5)) for k in range(10)], None
    if name == 'ring':
        e = rng.uniform(0.85, 1.15)
        k = rng.uniform(0.45, 0.65)
        return _ellipse(r, r * e), _ellipse(r * k, r * k * e)
    # cross (plus sign)
    t = r * rng.uniform(0.28, 0.4)
    return [(-t, -r), (t, -r), (t, -t), (r, -t), (r, t), (t, t), (t, r), (-t, r), (-t, t), (-r, t), (-r, -t),
            (-t, -t)], None


def rasterise(poly, hole, h, w):
    m = Image.new('L', (w, h), 0)
    d = ImageDraw.Draw(m)
    d.polygon(poly, fill=1)
    if hole is not None:
        d.polygon(hole, fill=0)
    return np.asarray(m, dtype=bool)


def paint(img, mask, rng):
    """Fill `mask` with a random colour, a soft linear shading and noise."""
    ys, xs = np.nonzero(mask)
    col = rng.uniform(0, 255, 3)
    a = rng.uniform(0, 2 * math.pi)
    p = xs * math.cos(a) + ys * math.sin(a)
    p = (p - p.min()) / (p.max() - p.min() + 1e-6) - 0.5
    shade = 1.0 + rng.uniform(0, 0.5) * p
    val = col[None, :] * shade[:, None] + rng.normal(0, rng.uniform(1, 10), (len(ys), 1))
    img[ys, xs] = np.clip(val, 0, 255)


def make_image(seed, h=H, w=W):
    """Returns (rgb uint8 [h,w,3], content (hc, wc), instances [(class_id, mask bool [h,w])]).
    About 1 in 5 images has its content in a smaller top-left window with zero padding (as inputs padded
    to 320x480 look); the padding holds no objects."""
    rng = np.random.default_rng(seed)
    hc, wc = h, w
    if rng.random() < 0.2:
        s = rng.uniform(0.55, 0.95)
        if rng.random() < 0.5:
            wc = int(w * s)
        else:
            hc = int(h * s)
    img = np.zeros((h, w, 3), np.float32)
    img[:hc, :wc] = background(rng, hc, wc)
    n = int(rng.integers(1, 9))
    inst = []   # [class, full mask, visible mask]
    for _ in range(n):
        cls = int(rng.integers(1, len(CLASSES) + 1))
        r = math.exp(rng.uniform(math.log(7), math.log(min(hc, wc) * 0.42)))
        ang = rng.uniform(0, 2 * math.pi)
        for _try in range(10):
            cx, cy = rng.uniform(r * 0.6, wc - r * 0.6), rng.uniform(r * 0.6, hc - r * 0.6)
            outer, hole = shape_polygons(cls, r, rng)
            m = rasterise(_rot(outer, ang, cx, cy), _rot(hole, ang, cx, cy) if hole else None, h, w)
            m[hc:, :] = False
            m[:, wc:] = False
            if m.sum() < MIN_AREA:
                continue
            if all((v & ~m).sum() >= MIN_VISIBLE * f.sum() for _, f, v in inst):
                break
        else:
            continue
        for e in inst:
            e[2] &= ~m
        paint(img, m, rng)
        inst.append([cls, m, m.copy()])
    img[hc:, :] = 0
    img[:, wc:] = 0
    return img.round().astype(np.uint8), (hc, wc), [(c, v) for c, _, v in inst if v.sum() >= MIN_AREA]


def mask_box_legacy(mask):
    """[x0, y0, x1, y1] inclusive pixel extents (legacy Detectron convention: width = x1 - x0 + 1)."""
    ys, xs = np.nonzero(mask)
    return [float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())]


def rle_encode(mask):
    """COCO uncompressed RLE: column-major run lengths starting with a (possibly empty) run of zeros."""
    flat = np.asarray(mask, dtype=np.uint8).flatten(order='F')
    change = np.flatnonzero(np.diff(flat)) + 1
    bounds = np.concatenate(([0], change, [flat.size]))
    counts = np.diff(bounds).tolist()
    if flat.size and flat[0] == 1:
        counts = [0] + counts
    return {'size': [int(mask.shape[0]), int(mask.shape[1])], 'counts': counts}


def write_split(out, count, seed_base):
    os.makedirs(os.path.join(out, 'images'), exist_ok=True)
    images, anns = [], []
    for i in range(count):
        rgb, _, inst = make_image(seed_base + i)
        name = f'synthetic_{seed_base + i:07d}.png'
        Image.fromarray(rgb).save(os.path.join(out, 'images', name))
        images.append({'id': i + 1, 'file_name': name, 'height': H, 'width': W})
        for cls, m in inst:
            x0, y0, x1, y1 = mask_box_legacy(m)
            anns.append({'id': len(anns) + 1, 'image_id': i + 1, 'category_id': cls, 'iscrowd': 0,
                         'area': int(m.sum()), 'bbox': [x0, y0, x1 - x0 + 1, y1 - y0 + 1],
                         'segmentation': rle_encode(m)})
    cats = [{'id': i + 1, 'name': n, 'supercategory': 'shape'} for i, n in enumerate(CLASSES)]
    with open(os.path.join(out, 'instances.json'), 'w') as f:
        json.dump({'info': {'description': 'mrcnn synthetic shapes', 'seed_base': seed_base},
                   'images': images, 'annotations': anns, 'categories': cats}, f)
    return len(images), len(anns)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default='.cache/synthetic/val')
    ap.add_argument('--count', type=int, default=200)
    ap.add_argument('--seed-base', type=int, default=0)
    a = ap.parse_args()
    n, k = write_split(a.out, a.count, a.seed_base)
    print(f'wrote {n} images, {k} instances to {a.out}')


if __name__ == '__main__':
    main()
