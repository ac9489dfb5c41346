"""Image -> (image_rgb, im_data, im_info, scale). See README.md "Preprocessing" for the exact formula."""
import math

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image


def load_rgb(path):
    """Decoded source image, uint8 [H0, W0, 3] RGB (PIL, alpha dropped, palette expanded)."""
    with Image.open(path) as im:
        return np.asarray(im.convert('RGB'), dtype=np.uint8).copy()


def resize_scale(h0, w0, policy, target_hw=(320, 480)):
    th, tw = target_hw
    if policy == 'fit':
        return min(th / min(h0, w0), tw / max(h0, w0))
    if policy == 'window':
        return min(th / h0, tw / w0)
    raise ValueError(f'unknown policy {policy}')


def round_half_up(x):
    return int(math.floor(x + 0.5))


def resize_bilinear(img_chw, out_h, out_w):
    """Float bilinear, half-pixel centres, no antialias: src = (dst + 0.5) * in/out - 0.5, clamped at 0."""
    return F.interpolate(img_chw.unsqueeze(0), size=(out_h, out_w), mode='bilinear',
                         align_corners=False, antialias=False)[0]


def preprocess(rgb, policy, target_hw=(320, 480)):
    h0, w0 = rgb.shape[:2]
    s = resize_scale(h0, w0, policy, target_hw)
    h, w = round_half_up(h0 * s), round_half_up(w0 * s)
    bgr = torch.from_numpy(rgb[:, :, ::-1].copy()).permute(2, 0, 1).to(torch.float32)
    resized = resize_bilinear(bgr, h, w)
    hp = max(target_hw[0], int(math.ceil(h / 32)) * 32)
    wp = max(target_hw[1], int(math.ceil(w / 32)) * 32)
    im_data = torch.zeros(1, 3, hp, wp, dtype=torch.float32)
    im_data[0, :, :h, :w] = resized
    im_info = torch.tensor([[float(h), float(w), float(s)]], dtype=torch.float32)
    return im_data, im_info, s, (h, w)
