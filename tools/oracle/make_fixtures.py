"""Generate oracle weights and goldens.

  /usr/bin/python3 tools/oracle/make_fixtures.py                 # committed K=8 fixtures (test/fixtures/oracle-k8, oracle-tv-k8)
  /usr/bin/python3 tools/oracle/make_fixtures.py --k1-cache      # full-size cache .cache/oracle/k1 (+ k1/torchvision)
  /usr/bin/python3 tools/oracle/make_fixtures.py --config 0049 --width-div 4 --out /tmp/x --images a.png --policies fit
"""
import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
REPO = os.path.dirname(os.path.dirname(HERE))
IMAGES = os.path.join(REPO, 'test', 'fixtures', 'images')

import torch  # noqa: E402

from config import make_config  # noqa: E402
from export import export_dump, export_pth  # noqa: E402
from goldens import (LIGHT_KEEP, MEDIUM_KEEP, PORTRAIT_FIT_KEEP, PORTRAIT_WINDOW_KEEP, RICH_DROP,  # noqa: E402
                     is_portrait, write_golden)
from model import MaskRCNN0049, count_params  # noqa: E402
from weights_init import init_0049_  # noqa: E402


def build_0049(k, **overrides):
    cfg = make_config('0049', k, **overrides)
    model = init_0049_(MaskRCNN0049(cfg).eval(), cfg)
    card, unique = count_params(model, cfg)
    print(f'[0049 K={k}] parameters: card rule {card:,} (card 44,920,241 at K=1), unique {unique:,}')
    return model, card, unique


def committed_tier(img, pol):
    """K=8 committed goldens: astronaut_fit rich; window goldens light where window == fit byte for byte
    (landscape and square images); portrait goldens (window != fit) PORTRAIT_*_KEEP, the decoded source in
    the window golden only; the rest medium."""
    if (img, pol) == ('astronaut.png', 'fit'):
        return {'drop': RICH_DROP}
    if is_portrait(os.path.join(IMAGES, img)):
        stem = os.path.splitext(img)[0]
        return {'keep': PORTRAIT_FIT_KEEP if pol == 'fit' else PORTRAIT_WINDOW_KEEP,
                'extra_meta': {'image_rgb_in': f'{stem}_window'}}
    return {'keep': MEDIUM_KEEP if pol == 'fit' else LIGHT_KEEP}


def gen_0049(k, out, images, policies, compress, pth_gz, full_masks_for=(), tiers=False, onnx=True, weights=True,
             **overrides):
    os.makedirs(out, exist_ok=True)
    t0 = time.time()
    model, card, unique = build_0049(k, **overrides)
    meta = {'config': '0049', 'width_div': k, 'seed': model.cfg.seed, 'params_card_rule': card,
            'params_unique': unique, 'config_values': model.cfg.as_meta()}
    if weights:
        export_dump(model, os.path.join(out, 'weights_0049'), meta, compress=compress)
        export_pth(model, os.path.join(out, 'model_0049.pth'), gz=pth_gz)
    if weights and onnx:
        try:
            from onnx_export import export_onnx
            export_onnx(model, os.path.join(out, 'model_0049.onnx'), gz=pth_gz)
        except Exception as e:  # noqa: BLE001 - report and continue; ONNX is optional
            print(f'[0049 K={k}] ONNX export failed: {e}')
    print(f'[0049 K={k}] model{" + weight files" if weights else " (weight files not written)"} in '
          f'{time.time() - t0:.1f}s')
    summary = {}
    for img in images:
        for pol in policies:
            t = time.time()
            full = (img, pol) in full_masks_for
            tier = committed_tier(img, pol) if tiers else {}
            stem, gmeta = write_golden(model, os.path.join(IMAGES, img), pol, out, compress, full_masks=full,
                                       **tier)
            summary[os.path.basename(stem)] = gmeta['stats']
            print(f'[0049 K={k}] {os.path.basename(stem)} in {time.time() - t:.1f}s: {json.dumps(gmeta["stats"])}')
    return model, summary


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--config', choices=['0049', 'torchvision', 'all'], default='all')
    ap.add_argument('--width-div', type=int, default=8)
    ap.add_argument('--out', default=None)
    ap.add_argument('--images', nargs='*', default=None)
    ap.add_argument('--policies', nargs='*', default=['fit', 'window'])
    ap.add_argument('--k1-cache', action='store_true', help='full-size cache into .cache/oracle/k1')
    ap.add_argument('--no-onnx', action='store_true')
    ap.add_argument('--goldens-only', action='store_true',
                    help='K=8: write only the goldens of --images, not the weight files (.pth, dump, ONNX)')
    ap.add_argument('--tv-onnx', action='store_true', help="also torchvision's own ONNX export (not committed)")
    ap.add_argument('--pre-nms', type=int, default=None, help='proposals kept per level before NMS')
    ap.add_argument('--post-nms', type=int, default=None, help='proposals kept per level after NMS')
    ap.add_argument('--post-nms-total', type=int, default=None, help='top-N proposals over all levels')
    ap.add_argument('--score-thresh', type=float, default=None)
    ap.add_argument('--mask-roi', type=int, default=None)
    ap.add_argument('--seed', type=int, default=None)
    ap.add_argument('--threads', type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    ov = {k: v for k, v in dict(pre_nms_per_level=a.pre_nms, post_nms_per_level=a.post_nms,
                                post_nms_total=a.post_nms_total, det_score_thresh=a.score_thresh,
                                mask_roi=a.mask_roi, seed=a.seed).items() if v is not None}
    t0 = time.time()
    if a.k1_cache:
        out = a.out or os.path.join(REPO, '.cache', 'oracle', 'k1')
        imgs = a.images or ['astronaut.png', 'chelsea.png', 'rocket.jpg', 'phone.jpg']
        if a.config in ('all', '0049'):
            gen_0049(1, out, imgs, a.policies, compress=False, pth_gz=False,
                     full_masks_for=[(i, p) for i in imgs for p in a.policies], onnx=not a.no_onnx, **ov)
        if a.config in ('all', 'torchvision'):
            from torchvision_ref import gen_torchvision
            gen_torchvision(1, os.path.join(out, 'torchvision'), ['astronaut.png'], ['fit'], compress=False,
                            pth_gz=False, onnx=False)
    else:
        k = a.width_div
        if a.config in ('all', '0049'):
            out = a.out or os.path.join(REPO, 'test', 'fixtures', f'oracle-k{k}')
            imgs = a.images or ['astronaut.png', 'chelsea.png', 'phone.jpg']
            gen_0049(k, out, imgs, a.policies, compress=True, pth_gz=True, tiers=a.out is None,
                     onnx=not a.no_onnx, weights=not a.goldens_only, **ov)
        if a.config in ('all', 'torchvision'):
            from torchvision_ref import gen_torchvision
            out = a.out or os.path.join(REPO, 'test', 'fixtures', f'oracle-tv-k{k}')
            gen_torchvision(k, out, ['astronaut.png'], ['fit'], compress=True, pth_gz=True, onnx=a.tv_onnx)
    print(f'done in {time.time() - t0:.1f}s')


if __name__ == '__main__':
    main()
