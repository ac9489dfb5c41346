"""Golden dumps per image and resize policy (docs/CONVENTIONS.md section 4)."""
import os

import numpy as np
import torch
from PIL import Image

from pipeline import run_0049
from postprocess import paste_all
from preprocess import load_rgb, preprocess
from tensorio import write_tensors

# Committed K=8 fixtures must stay small: three tiers (the full set lives in the K=1 cache).
RICH_DROP = ('C2', 'C3', 'rpn_deltas_P2', 'bbox_deltas')
MEDIUM_KEEP = ('image_rgb', 'im_data', 'im_info', 'rpn_logits_P2', 'rpn_logits_P3', 'rpn_logits_P4',
               'rpn_logits_P5', 'rpn_logits_P6', 'proposals', 'proposal_scores', 'proposal_rpn_level',
               'proposal_roi_levels', 'cls_logits', 'classes', 'scores', 'boxes', 'det_roi_levels',
               'raw_masks_sel', 'pasted_masks')
LIGHT_KEEP = ('im_info', 'proposals', 'proposal_scores', 'classes', 'scores', 'boxes', 'raw_masks_sel',
              'pasted_masks')
# Portrait images, where window != fit: both policies keep im_data (preprocessing parity). The fit
# im_data (448x480) alone is ~1.45 MB gzipped, so the decoded source image_rgb goes to the window golden
# only (meta.image_rgb_in names it) and the fit golden keeps just the RPN logits of P3..P6.
PORTRAIT_FIT_KEEP = ('im_data', 'im_info', 'rpn_logits_P3', 'rpn_logits_P4', 'rpn_logits_P5', 'rpn_logits_P6',
                     'proposals', 'proposal_scores', 'proposal_rpn_level', 'proposal_roi_levels', 'classes',
                     'scores', 'boxes', 'det_roi_levels', 'raw_masks_sel', 'pasted_masks')
PORTRAIT_WINDOW_KEEP = ('image_rgb', 'im_data') + LIGHT_KEEP


def is_portrait(image_path):
    """Taller than wide: the only images where the `window` policy differs from `fit`."""
    with Image.open(image_path) as im:
        return im.height > im.width


def fixed_rois(hp, wp):
    """Deterministic RoIs that reach every level P2..P5 (incl. P5, which proposals at 320x480 never do),
    fractional coordinates, boxes partly/fully outside the image and degenerate (<1 px) boxes."""
    rois = [
        [0, 0, 0, 0], [10.5, 20.25, 10.5, 20.25], [3.3, 4.7, 30.1, 25.9], [100, 50, 180, 160],
        [-20.5, -10.25, 60.75, 40.5], [200.2, 100.1, 420.9, 300.3], [0, 0, wp - 1, hp - 1],
        [-100, -80, wp + 120, hp + 90], [-300, -300, wp + 300, hp + 300], [wp - 50.5, hp - 40.5, wp + 30, hp + 25],
        [17.9, 33.1, 17.4, 60.0], [50, 60, 50.6, 60.6], [120.25, 80.75, 350.5, 250.25], [5, 5, 470, 40],
        [300, 10, 310, 310], [64, 64, 287.5, 287.5], [30, 200, 250, 318], [-5, -5, 2, 2],
    ]
    return torch.tensor(rois, dtype=torch.float32)


_RUNS = {}  # (model id, image, im_data bytes) -> (out, stats): window == fit for landscape/square images


def golden_tensors(model, image_path, policy, full_masks=False):
    rgb = load_rgb(image_path)
    im_data, im_info, scale, (h, w) = preprocess(rgb, policy, model.cfg.input_hw)
    key = (id(model), image_path, im_data.numpy().tobytes(), im_info.numpy().tobytes())
    if key not in _RUNS:
        _RUNS.clear()
        with torch.no_grad():
            _RUNS[key] = run_0049(model, im_data, im_info, fixed_rois(im_data.shape[2], im_data.shape[3]))
    out, stats = _RUNS[key]
    out = dict(out)
    classes = out['classes']
    sel = out['raw_masks'][torch.arange(classes.shape[0]), classes.long()]
    pasted = paste_all(classes, out['boxes'], sel.numpy(), scale, rgb.shape[0], rgb.shape[1])
    tensors = {'image_rgb': rgb, 'im_data': im_data, 'im_info': im_info}
    tensors.update(out)
    if not full_masks:
        del tensors['raw_masks']
        tensors['raw_masks_sel'] = sel
    tensors['pasted_masks'] = pasted
    meta = {
        'image': os.path.basename(image_path), 'policy': policy, 'scale': scale,
        'orig_hw': list(rgb.shape[:2]), 'resized_hw': [h, w], 'padded_hw': list(im_data.shape[2:]),
        'config': model.cfg.name, 'width_div': model.cfg.width_div, 'seed': model.cfg.seed,
        'config_values': model.cfg.as_meta(), 'counts': {
            'proposals': int(out['proposals'].shape[0]), 'fixed_rois': int(out['fixed_rois'].shape[0]),
            'detections': stats['detections'], 'pasted_masks': int(pasted.shape[0])},
        'stats': stats,
        'level_note': 'proposal_roi_levels / det_roi_levels / fixed_roi_levels: 0..3 = P2..P5; '
                      'proposal_rpn_level: 0..4 = P2..P6 (the RPN level a proposal came from)',
    }
    return tensors, meta


def write_golden(model, image_path, policy, out_dir, compress=True, full_masks=False, drop=(), keep=None,
                 extra_meta=None):
    """keep: names to keep (None = all); drop: names to remove. meta['dropped'] lists what is missing;
    extra_meta is merged into meta."""
    tensors, meta = golden_tensors(model, image_path, policy, full_masks)
    meta.update(extra_meta or {})
    dropped = [n for n in tensors if n in drop or (keep is not None and n not in keep)]
    for name in dropped:
        del tensors[name]
    meta['dropped'] = dropped
    stem = os.path.join(out_dir, f'{os.path.splitext(os.path.basename(image_path))[0]}_{policy}')
    write_tensors(stem, tensors, meta, compress=compress)
    return stem, meta
