"""Golden cases for @mrcnn/engine's multiLevelRoIAlign, computed with torchvision.ops.roi_align.

Level mapping as torchvision's MultiScaleRoIAlign LevelMapper / OpenVINO
ExperimentalDetectronROIFeatureExtractor, with the 0049 (Detectron) area for 'legacyPlusOne':
  level = floor(canonical_level + log2(sqrt(area) / canonical_scale + eps)), clamped to the levels,
  area = (x2 - x1 + 1) * (y2 - y1 + 1) ('legacyPlusOne') or (x2 - x1) * (y2 - y1) ('plain'),
  non-positive extents -> area 0 -> the finest level.
Feature maps are random (multiples of 1/64, so gzip helps), or real: P2..P5 (first REAL_CHANNELS
channels) and RPN proposals of the K=8 oracle model on astronaut (test/fixtures/oracle-k8), NHWC in the dump.

Usage: /usr/bin/python3 tools/oracle/roi_align_cases.py [out_dir]   (default test/fixtures/roi-align)
Writes <out_dir>/cases.json + cases.bin.gz (mrcnn-tensors/1, see docs/CONVENTIONS.md).
"""
import gzip
import math
import os
import sys

import numpy as np
import torch
from torchvision.ops import roi_align

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tensorio import read_tensors, write_tensors  # noqa: E402

IMAGE_H, IMAGE_W = 320, 480
STRIDES = (4, 8, 16, 32)
REAL_GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'test', 'fixtures',
                           'oracle-k8', 'astronaut_fit')
REAL_CHANNELS = 4


def make_levels(rng, channels, num_levels=4):
    levels = []
    for s in STRIDES[:num_levels]:
        x = np.round(rng.standard_normal((1, channels, IMAGE_H // s, IMAGE_W // s)) * 64) / 64
        levels.append(x.astype(np.float32))
    return levels


def real_levels_and_proposals():
    """P2..P5 (channels [0, REAL_CHANNELS)) and the 1000 RPN proposals of the K=8 oracle model."""
    t, _ = read_tensors(REAL_GOLDEN)
    levels = [np.ascontiguousarray(t[f'P{k}'][:, :REAL_CHANNELS]).astype(np.float32) for k in (2, 3, 4, 5)]
    return levels, np.asarray(t['proposals'], np.float32)


# Around the level thresholds of the 'plain' area (sqrt(w h) = 112, 224, 448), and mixed with the finest.
PLAIN_EDGE_ROIS = [
    [0, 0, 224, 224], [0, 0, 223.9, 224], [10, 20, 234, 244], [0, 0, 112, 112], [0, 0, 111.9, 112],
    [0, 0, 448, 448], [0, 0, 447.9, 448], [5, 5, 6, 6], [300, 100, 300, 300], [50.5, 60.25, 162.5, 172.25],
]


def level_index(rois, attrs, num_levels):
    r = rois.astype(np.float64)
    o = 1.0 if attrs['areaMode'] == 'legacyPlusOne' else 0.0
    w = r[:, 2] - r[:, 0] + o
    h = r[:, 3] - r[:, 1] + o
    area = np.where((w > 0) & (h > 0), w * h, 0.0)
    lvl = np.floor(attrs['canonicalLevel'] + np.log2(np.sqrt(area) / attrs['canonicalScale'] + attrs['eps']))
    return np.clip(lvl.astype(np.int64) - attrs['firstLevel'], 0, num_levels - 1)


def multi_level_roi_align(levels_nchw, rois, attrs):
    n, c = attrs['outputSize'], levels_nchw[0].shape[1]
    out = torch.zeros((rois.shape[0], c, n, n), dtype=torch.float32)
    idx = level_index(rois, attrs, len(levels_nchw))
    for li, feat in enumerate(levels_nchw):
        sel = np.nonzero(idx == li)[0]
        if sel.size == 0:
            continue
        boxes = torch.cat([torch.zeros((sel.size, 1)), torch.from_numpy(rois[sel])], dim=1)
        pooled = roi_align(torch.from_numpy(feat), boxes, output_size=(n, n),
                           spatial_scale=attrs['spatialScales'][li], sampling_ratio=attrs['samplingRatio'],
                           aligned=attrs['aligned'])
        out[torch.from_numpy(sel)] = pooled
    return out.permute(0, 2, 3, 1).contiguous().numpy(), idx


SPECIAL_ROIS = [
    [500, 340, 560, 400],      # fully outside, bottom right
    [-100, -100, -50, -50],    # fully outside, top left
    [-20, -10, 50, 40],        # partly outside
    [450, 300, 520, 360],      # partly outside
    [10.2, 10.3, 10.7, 10.6],  # tiny (< 1 px)
    [100.0, 50.0, 100.4, 51.0],
    [30, 30, 30, 60],          # zero width
    [60, 60, 40, 40],          # x2 < x1, y2 < y1
    [0, 0, 479, 319],          # whole image
    [0, 0, 223, 223],          # sqrt((w+1)(h+1)) = 224 exactly
    [0, 0, 111, 111],          # 112 exactly
    [0, 0, 479, 500],          # large -> P5
    [-50, -60, 520, 400],      # larger than the image
    [477.5, 317.5, 479.9, 319.9],  # last pixels
    [0, 0, 0.5, 0.5],
]


def random_rois(rng, count, min_size=1.0, max_size=500.0):
    size = np.exp(rng.uniform(math.log(min_size), math.log(max_size), (count, 2)))
    cx = rng.uniform(-20, IMAGE_W + 20, count)
    cy = rng.uniform(-20, IMAGE_H + 20, count)
    rois = np.stack([cx - size[:, 0] / 2, cy - size[:, 1] / 2, cx + size[:, 0] / 2, cy + size[:, 1] / 2], 1)
    return rois.astype(np.float32)


def base_attrs(**kw):
    attrs = dict(outputSize=7, samplingRatio=2, spatialScales=[1 / s for s in STRIDES], aligned=False,
                 canonicalScale=224, canonicalLevel=4, firstLevel=2, areaMode='legacyPlusOne', eps=1e-6)
    attrs.update(kw)
    return attrs


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), '..', '..', 'test', 'fixtures', 'roi-align')
    rng = np.random.default_rng(49)
    feats = {'c8': make_levels(rng, 8), 'c2': make_levels(rng, 2)}
    feats['c6'] = [np.ascontiguousarray(f[:, :6]) for f in feats['c8']]  # SIMD lanes + a scalar tail
    feats['real'], proposals = real_levels_and_proposals()
    mixed = np.concatenate([np.array(SPECIAL_ROIS, np.float32), random_rois(rng, 45, 16.0, 700.0)])
    # Real proposals are mostly small (P2, P3); large random RoIs make every level appear.
    real_rois = np.concatenate([proposals[:200], random_rois(np.random.default_rng(4900), 60, 64.0, 900.0)])
    s3 = [1 / s for s in STRIDES[:3]]
    cases = [
        ('box0049', 'c8', 4, mixed, base_attrs()),
        ('box_aligned_adaptive_plain', 'c8', 4, mixed, base_attrs(aligned=True, samplingRatio=0, areaMode='plain')),
        ('mask_adaptive', 'c8', 4, mixed[:30], base_attrs(outputSize=14, samplingRatio=0)),
        ('mask_aligned_plain', 'c8', 4, mixed[:30], base_attrs(outputSize=14, aligned=True, areaMode='plain')),
        ('three_levels', 'c8', 3, mixed, base_attrs(spatialScales=s3)),
        ('one_level_p3', 'c8', 1, mixed[:20], base_attrs(spatialScales=[1 / 4], firstLevel=3)),
        ('r0', 'c8', 4, np.zeros((0, 4), np.float32), base_attrs()),
        ('r1', 'c8', 4, np.array([[33.3, 44.4, 150.5, 210.2]], np.float32), base_attrs()),
        ('r1000_c2', 'c2', 4, random_rois(rng, 1000), base_attrs()),
        ('level_edges_plain_c6', 'c6', 4, np.array(PLAIN_EDGE_ROIS, np.float32), base_attrs(areaMode='plain')),
        ('real_box0049', 'real', 4, real_rois, base_attrs()),
        ('real_mask_aligned_adaptive', 'real', 4, real_rois[170:230],
         base_attrs(outputSize=14, samplingRatio=0, aligned=True)),
    ]
    tensors, meta_cases = {}, []
    for key, levels in feats.items():
        for i, f in enumerate(levels):
            tensors[f'{key}_level{i}'] = f.transpose(0, 2, 3, 1)  # NHWC
    for name, fkey, nlev, rois, attrs in cases:
        out, idx = multi_level_roi_align(feats[fkey][:nlev], rois, attrs)
        tensors[f'{name}_rois'] = rois
        tensors[f'{name}_out'] = out
        tensors[f'{name}_levels'] = idx.astype(np.int32)
        meta_cases.append({'name': name, 'features': fkey, 'numLevels': nlev, 'attrs': attrs,
                           'levelCounts': np.bincount(idx, minlength=nlev).tolist()})
        print(f'{name}: R={rois.shape[0]} levels={meta_cases[-1]["levelCounts"]} out={list(out.shape)}')
    meta = {'generator': 'tools/oracle/roi_align_cases.py', 'torch': torch.__version__,
            'real_features': 'test/fixtures/oracle-k8/astronaut_fit P2..P5 channels [0, %d), proposals' % REAL_CHANNELS,
            'image': [IMAGE_H, IMAGE_W], 'strides': list(STRIDES), 'cases': meta_cases}
    stem = os.path.join(out_dir, 'cases')
    write_tensors(stem, tensors, meta, compress=False)
    gzip_bin(stem)


def gzip_bin(stem):
    """<stem>.bin -> <stem>.bin.gz, reproducibly (mtime 0; tensorio's gzip.open(mtime=) needs Python >= 3.12)."""
    with open(stem + '.bin', 'rb') as src, open(stem + '.bin.gz', 'wb') as raw:
        with gzip.GzipFile(filename='', mode='wb', compresslevel=9, fileobj=raw, mtime=0) as dst:
            dst.write(src.read())
    os.remove(stem + '.bin')


if __name__ == '__main__':
    main()
