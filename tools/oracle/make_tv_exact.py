"""Goldens of torchvision's Mask R-CNN v1/v2 run as torchvision runs them (torchvision_exact.py).

  /usr/bin/python3 tools/oracle/make_tv_exact.py               # committed K=8: test/fixtures/oracle-tvx-k8
  /usr/bin/python3 tools/oracle/make_tv_exact.py --k1-cache    # full size (K1_GOLDENS): .cache/oracle/tvx-k1 (ensure-cache.mjs)
  /usr/bin/python3 tools/oracle/make_tv_exact.py --versions v2 --images square --out /tmp/x
"""
import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
REPO = os.path.dirname(os.path.dirname(HERE))

from torchvision_exact import IMAGES, K1_GOLDENS, SIZES, gen_exact  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--k1-cache', action='store_true', help='full size into .cache/oracle/tvx-k1')
    ap.add_argument('--width-div', type=int, default=8)
    ap.add_argument('--out', default=None)
    ap.add_argument('--versions', nargs='*', default=['v1', 'v2'], choices=['v1', 'v2'])
    ap.add_argument('--images', nargs='*', default=None, choices=list(IMAGES),
                    help='default: every image at both sizes (K=8), K1_GOLDENS (--k1-cache)')
    ap.add_argument('--threads', type=int, default=2)
    a = ap.parse_args()
    t0 = time.time()
    if a.k1_cache:
        k = 1
        out = a.out or os.path.join(REPO, '.cache', 'oracle', 'tvx-k1')
        v1 = os.path.join(REPO, '.cache', 'oracle', 'k1', 'torchvision', 'model_torchvision.pth')
    else:
        k = a.width_div
        out = a.out or os.path.join(REPO, 'test', 'fixtures', f'oracle-tvx-k{k}')
        v1 = os.path.join(REPO, 'test', 'fixtures', f'oracle-tv-k{k}', 'model_torchvision.pth.gz')
    if 'v1' in a.versions and not os.path.exists(v1):
        sys.exit(f'{v1} is missing: the v1 weights come from the torchvision config (make_fixtures.py'
                 f'{" --k1-cache" if k == 1 else ""})')
    goldens = [(i, s) for i in a.images for s in SIZES] if a.images else K1_GOLDENS if k == 1 else \
        [(i, s) for i in IMAGES for s in SIZES]
    gen_exact(k, out, v1, goldens, versions=a.versions, threads=a.threads)
    print(f'done in {time.time() - t0:.1f}s')


if __name__ == '__main__':
    main()
