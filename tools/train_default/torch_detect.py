"""Detections of the trained PyTorch model (torchvision's inference path of net.py, not the 0049
post-processing) on a COCO-format split, as a COCO results JSON — a cross-check of the converted
model's AP in TypeScript (`mrcnn eval`) against the training graph's own.

    /usr/bin/python3 tools/train_default/torch_detect.py --split <dir with instances.json + images/> --out results.json
"""
import argparse
import json
import os
import sys

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import synthetic  # noqa: E402
from net import build, export_state_dict  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--split', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--ckpt', default='.cache/train_default/ckpt.pth')
    ap.add_argument('--score', type=float, default=0.05)
    ap.add_argument('--export', help='also write the checkpoint as a canonical-name .pth (for the converter)')
    a = ap.parse_args()
    torch.set_num_threads(1)
    model, _ = build()
    model.load_state_dict(torch.load(a.ckpt)['model'])
    model.eval()
    if a.export:
        torch.save(export_state_dict(model), a.export)
    model.roi_heads.score_thresh = a.score
    data = json.load(open(os.path.join(a.split, 'instances.json')))
    results = []
    with torch.no_grad():
        for im in data['images']:
            rgb = np.asarray(Image.open(os.path.join(a.split, 'images', im['file_name'])).convert('RGB'))
            x = torch.from_numpy(np.ascontiguousarray(rgb[:, :, ::-1].transpose(2, 0, 1))).float()
            out = model([x])[0]
            for box, label, score, mask in zip(out['boxes'], out['labels'], out['scores'], out['masks']):
                x1, y1, x2, y2 = box.tolist()
                results.append({'image_id': im['id'], 'category_id': int(label), 'score': float(score),
                                'bbox': [x1, y1, x2 - x1 + 1, y2 - y1 + 1],
                                'segmentation': synthetic.rle_encode(mask[0].numpy() >= 0.5)})
    json.dump(results, open(a.out, 'w'))
    print(f'{len(results)} detections on {len(data["images"])} images -> {a.out}')


if __name__ == '__main__':
    main()
