"""torchvision's ONNX export (opset 11) of the seeded maskrcnn_resnet50_fpn checkpoint, for the bench's
torchvision workload (benchmarks/src/workloads/torchvision_inputs.ts).

Every subject of the harness is fed the same input: the normalised, padded batch of torchvision's
GeneralizedRCNNTransform at 800/1333 (im_data). So the exported model's own transform is pinned to the
identity on it: image_mean 0, image_std 1, min_size 800 and max_size = the longest padded side (1216 for a
800x1202 photo), which leaves every padded input of the workload at scale 1. Graph input `image`
[3, H, W] (dynamic H, W), outputs boxes, labels, scores, masks (torchvision's ONNX path).

  /usr/bin/python3 benchmarks/python/export_torchvision_onnx.py --pth model_torchvision.pth --width-div 1 \
      --image .cache/bench/torchvision-k1/landscape --out model_torchvision.onnx
"""
import argparse
import os
import sys
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), 'tools', 'oracle'))

import torch  # noqa: E402

from tensorio import read_tensors  # noqa: E402
from torchvision_ref import build_torchvision  # noqa: E402

MAX_PADDED_SIDE = 1344  # ceil32(1333): no padded input of the 800/1333 transform is longer


def pinned_model(pth, width_div):
    """build_torchvision(K): at K=1 the modules maskrcnn_resnet50_fpn builds for trained weights."""
    model = build_torchvision(width_div)
    model.load_state_dict(torch.load(pth, map_location='cpu'))
    t = model.transform
    t.image_mean, t.image_std = [0.0, 0.0, 0.0], [1.0, 1.0, 1.0]
    t.min_size, t.max_size = (800,), MAX_PADDED_SIDE
    return model.eval()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--pth', required=True)
    ap.add_argument('--width-div', type=int, required=True)
    ap.add_argument('--image', required=True, help='stem of an input dump (im_data) to trace with')
    ap.add_argument('--out', required=True)
    a = ap.parse_args()
    torch.set_num_threads(2)
    model = pinned_model(a.pth, a.width_div)
    t, _ = read_tensors(a.image)
    x = torch.from_numpy(t['im_data'][0].copy())
    tmp = f'{a.out}.{os.getpid()}.tmp'
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter('ignore')
        torch.onnx.export(model, ([x],), tmp, opset_version=11, input_names=['image'],
                          output_names=['boxes', 'labels', 'scores', 'masks'],
                          dynamic_axes={'image': [1, 2]})
    os.replace(tmp, a.out)


if __name__ == '__main__':
    main()
