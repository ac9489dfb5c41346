"""Deterministic, shaped initialisation that makes every inference path non-degenerate.

Plain random init gives near-uniform class scores and no detections, so the weights are shaped:
1. Every conv / linear weight ~ N(0, 1) * sqrt(2 / fan_in) (kaiming), biases ~ N(0, 0.1), drawn
   from torch.manual_seed(seed) in state_dict order.
2. Data-dependent calibration on one synthetic image (smooth seeded noise + bright rectangles, not
   a test image; contrast from calibration_contrast): a forward pass with hooks sets
   - every FrozenBatchNorm: running_mean/var = the per-channel mean/variance of its input, weight
     (gamma) ~ U(0.6, 1.4) (0.25..0.5 on the last BN of a residual branch so the stream grows
     slowly), bias (beta) ~ N(0, 0.2); activations stay O(1) through the depth;
   - FPN convs and the RPN/box/mask convs/FCs are rescaled so their outputs have unit std;
   - RPN objectness: rescaled to logit std 1.2 with mean -1 per anchor; deltas: dx,dy std 0.1,
     dw,dh std 0.45 (RPN calibration is done on P2..P6 together, so proposals come from all levels);
   - box head: cls_score rescaled to logit std 2.2 per class, with biases that favour background and a
     handful of 'active' classes, so a few classes win with varied scores (some > 0.5);
     bbox_pred std 0.5 (weighted units, i.e. ~0.05 box widths);
   - mask logits rescaled to std 3 with a +0.5 bias so masks are neither constant nor empty.
3. Every tensor is rounded to 8 significant bits relative to its largest magnitude
   (step 2^(ceil(log2 max|x|) - 8)): exact in float32 and gzip-friendly for committed fixtures.
The same seed gives the same bytes (single-threaded calibration).
"""
import math

import torch
import torch.nn.functional as F
from torchvision.ops import FrozenBatchNorm2d

ACTIVE_CLASSES = (1, 3, 17, 18, 44, 62)


def quantize_(t, bits=8):
    with torch.no_grad():
        m = float(t.abs().max()) if t.numel() else 0.0
        if m > 0:
            step = 2.0 ** (math.ceil(math.log2(m)) - bits)
            t.copy_(torch.round(t / step) * step)
    return t


def synthetic_image(h, w, seed, contrast=70.0):
    """BGR float [2,3,h,w] in 0..255: multi-octave noise (cells of 2..64 px, bilinearly upsampled) plus
    a few flat rectangles, so its statistics resemble a natural image at every scale; the second copy
    has its right third zeroed like a padded input."""
    g = torch.Generator().manual_seed(seed + 1)
    img = torch.zeros(1, 3, h, w)
    for cell in (2, 4, 8, 16, 32, 64):
        coarse = torch.rand(1, 3, h // cell + 2, w // cell + 2, generator=g) - 0.5
        mode = 'nearest' if cell in (4, 16) else 'bilinear'  # some hard edges, like real photos
        up = F.interpolate(coarse, size=(h + cell, w + cell), mode=mode)[..., cell // 2:h + cell // 2,
                                                                         cell // 2:w + cell // 2]
        img += math.sqrt(cell) * up
    img = torch.clamp((img - img.mean()) / img.std() * contrast + 128, 0, 255)
    for _ in range(8):
        y0, x0 = int(torch.randint(0, h - 40, (1,), generator=g)), int(torch.randint(0, w - 40, (1,), generator=g))
        hh, ww = int(torch.randint(20, h // 2, (1,), generator=g)), int(torch.randint(20, w // 2, (1,), generator=g))
        img[0, :, y0:y0 + hh, x0:x0 + ww] = torch.rand(3, 1, 1, generator=g) * 255
    padded = img.clone()
    padded[..., :, (2 * w) // 3:] = 0  # zero padding at the right, like a square image in 320x480
    return torch.cat((img, padded))


def calibration_contrast(cfg):
    """Std (0..255 units) of the synthetic calibration image for 0049. 70 at width_div > 1 (the committed
    K=8 fixtures, and the converter fixtures derived from them, use it); 130 at K=1, where 70 let the
    high-contrast astronaut image drive P2..P6 to ~2x the calibration std and saturate the class scores
    (0.979..1.000, classes outside the active set) -- 130 gives 0.68..0.99 over the six active classes."""
    return 130.0 if cfg.width_div == 1 else 70.0


def random_init_(model, seed):
    torch.manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith('weight') and p.dim() >= 2:
                fan_in = p[0].numel() if not isinstance(_module_of(model, name), torch.nn.ConvTranspose2d) \
                    else p.shape[0] * p.shape[2] * p.shape[3] // 4
                p.normal_(0, 1).mul_(math.sqrt(2.0 / fan_in))
            else:
                p.normal_(0, 0.1)
        for mod_name, m in model.named_modules():
            if isinstance(m, FrozenBatchNorm2d):
                last = mod_name.endswith('bn3') or mod_name.endswith('downsample.1')
                lo, hi = (0.25, 0.5) if last else (0.6, 1.4)
                m.weight.uniform_(lo, hi)
                m.bias.normal_(0, 0.2)
                m.running_mean.zero_()
                m.running_var.fill_(1.0)


def _module_of(model, param_name):
    return model.get_submodule(param_name.rsplit('.', 1)[0])


def bn_calibration_hooks(model):
    handles = []

    def pre(m, inputs):
        x = inputs[0]
        with torch.no_grad():
            m.running_mean.copy_(x.mean(dim=(0, 2, 3)))
            m.running_var.copy_(x.var(dim=(0, 2, 3), unbiased=False).clamp(min=1e-4))
    for m in model.modules():
        if isinstance(m, FrozenBatchNorm2d):
            handles.append(m.register_forward_pre_hook(pre))
    return handles


def quantize_all_(model, bits=8):
    with torch.no_grad():
        for t in model.state_dict().values():
            if t.dtype == torch.float32:
                quantize_(t, bits)


def _fit_(weight, bias, y, target_std, channel_dim=1, per_channel=False, out_axis=0):
    """Rescale weight/bias in place so that y (the pre-activation output) would have std target_std."""
    with torch.no_grad():
        if per_channel:
            dims = [d for d in range(y.dim()) if d != channel_dim]
            f = target_std / torch.clamp(y.std(dim=dims), min=1e-6)
            shape = [1] * weight.dim()
            shape[out_axis] = -1
            weight.mul_(f.reshape(shape))
            bias.mul_(f)
        else:
            f = target_std / max(float(y.std()), 1e-6)
            weight.mul_(f)
            bias.mul_(f)


def calibrate_backbone_(model, image):
    """BN statistics from the synthetic image, then FPN convs to unit output std. Returns (cs, ps)."""
    handles = bn_calibration_hooks(model.backbone.body)
    with torch.no_grad():
        cs = model.backbone.body(image)
    for h in handles:
        h.remove()
    fpn = model.backbone.fpn
    with torch.no_grad():
        for conv, c in zip(fpn.inner_blocks, cs):
            _fit_(conv.weight, conv.bias, conv(c), 1.0)
        top = fpn.inner_blocks[-1](cs[-1])
        tops = [top]
        for i in range(len(cs) - 2, -1, -1):
            top = fpn.inner_blocks[i](cs[i]) + F.interpolate(top, scale_factor=2.0, mode='nearest')
            tops.insert(0, top)
        for conv, t in zip(fpn.layer_blocks, tops):
            _fit_(conv.weight, conv.bias, conv(t), 1.0)
        ps = fpn(cs)
    return cs, ps


def calibrate_rpn_(head, ps, logit_std=1.2, logit_bias=-1.0, dxy_std=0.1, dwh_std=0.45, conv=None):
    """Shared head calibrated on all levels together (pre-activations flattened over P2..P6).
    conv: the head's 3x3 nn.Conv2d when head.conv is not one (torchvision wraps it with its ReLU)."""
    conv = head.conv if conv is None else conv
    with torch.no_grad():
        flat = lambda ys: torch.cat([y.permute(1, 0, 2, 3).reshape(y.shape[1], -1) for y in ys], dim=1)
        y = flat([conv(p) for p in ps])
        _fit_(conv.weight, conv.bias, y, 1.0)
        ts = [F.relu(conv(p)) for p in ps]
        lg = flat([head.cls_logits(t) for t in ts])
        _fit_(head.cls_logits.weight, head.cls_logits.bias, lg, logit_std)
        lg = flat([head.cls_logits(t) for t in ts])
        head.cls_logits.bias.sub_(lg.mean(dim=1)).add_(logit_bias)
        dl = flat([head.bbox_pred(t) for t in ts])
        stds = torch.tensor([dxy_std, dxy_std, dwh_std, dwh_std]).repeat(dl.shape[0] // 4)
        f = stds / torch.clamp(dl.std(dim=1), min=1e-6)
        head.bbox_pred.weight.mul_(f.reshape(-1, 1, 1, 1))
        head.bbox_pred.bias.mul_(f)
        dl = flat([head.bbox_pred(t) for t in ts])
        head.bbox_pred.bias.sub_(dl.mean(dim=1))


def calibrate_box_head_(roi_heads, box_feats, seed, num_classes, bg_bias=4.5, logit_std=1.5):
    from model import linear_as_conv
    bh, bp = roi_heads.box_head, roi_heads.box_predictor
    with torch.no_grad():
        x = box_feats.reshape(box_feats.shape[0], -1)
        _fit_(bh.fc6.weight, bh.fc6.bias, linear_as_conv(bh.fc6, x), 1.0)
        x = F.relu(linear_as_conv(bh.fc6, x))
        _fit_(bh.fc7.weight, bh.fc7.bias, linear_as_conv(bh.fc7, x), 1.0)
        x = F.relu(linear_as_conv(bh.fc7, x))
        lg = linear_as_conv(bp.cls_score, x)
        _fit_(bp.cls_score.weight, bp.cls_score.bias, lg, logit_std, per_channel=True)
        lg = linear_as_conv(bp.cls_score, x)
        g = torch.Generator().manual_seed(seed + 2)
        target = torch.full((num_classes,), -6.0)
        target[0] = bg_bias
        for c in ACTIVE_CLASSES:
            if c < num_classes:
                target[c] = 1.0 + 2.0 * float(torch.rand(1, generator=g))
        bp.cls_score.bias.sub_(lg.mean(dim=0)).add_(target)
        bd = linear_as_conv(bp.bbox_pred, x)
        _fit_(bp.bbox_pred.weight, bp.bbox_pred.bias, bd, 0.5, per_channel=True)
        bd = linear_as_conv(bp.bbox_pred, x)
        bp.bbox_pred.bias.sub_(bd.mean(dim=0))


def calibrate_mask_head_(mask_head, convs, deconv, logits, feats, logit_std=3.0, logit_bias=0.5):
    with torch.no_grad():
        x = feats
        for conv in convs:
            _fit_(conv.weight, conv.bias, conv(x), 1.0)
            x = F.relu(conv(x))
        _fit_(deconv.weight, deconv.bias, deconv(x), 1.0)
        x = F.relu(deconv(x))
        _fit_(logits.weight, logits.bias, logits(x), logit_std)
        y = logits(x)
        logits.bias.sub_(y.mean(dim=(0, 2, 3))).add_(logit_bias)


def init_0049_(model, cfg):
    """Steps 1-3 of the module docstring for MaskRCNN0049."""
    from config import ANCHOR_HEIGHTS, ANCHOR_WIDTHS, MEAN_BGR, RPN_STRIDES
    from pipeline import detection_output, level_proposals, multilevel_roi_align
    from boxes import make_anchors, sort_desc
    torch.set_num_threads(1)
    random_init_(model, cfg.seed)
    h, w = cfg.input_hw
    image = synthetic_image(h, w, cfg.seed, calibration_contrast(cfg)) - torch.tensor(MEAN_BGR).view(1, 3, 1, 1)
    _, ps = calibrate_backbone_(model, image)
    calibrate_rpn_(model.rpn.head, ps)
    props, feats = [], []
    with torch.no_grad():
        for n in range(image.shape[0]):
            psn = [p[n:n + 1] for p in ps]
            bs, ss = [], []
            for i, (p, stride) in enumerate(zip(psn, RPN_STRIDES)):
                lg, dl = model.rpn.head(p)
                anchors = make_anchors(ANCHOR_WIDTHS[i], ANCHOR_HEIGHTS[i], stride, p.shape[-2], p.shape[-1])
                b, s = level_proposals(lg, dl, anchors, h, w, cfg)
                bs.append(b)
                ss.append(s)
            b, s = torch.cat(bs), torch.cat(ss)
            props.append(b[sort_desc(s)[:cfg.post_nms_total]])
            feats.append(multilevel_roi_align(psn[:4], props[-1], cfg.box_roi, cfg.sampling_ratio)[0])
    calibrate_box_head_(model.roi_heads, torch.cat(feats), cfg.seed, cfg.num_classes)
    mfeats = []
    with torch.no_grad():
        for n in range(image.shape[0]):
            hdn = model.roi_heads.box_head(feats[n])
            cls_logits, deltas = model.roi_heads.box_predictor(hdn)
            _, _, boxes, _ = detection_output(props[n], F.softmax(cls_logits, 1), deltas, h, w, cfg)
            mfeats.append(multilevel_roi_align([p[n:n + 1] for p in ps[:4]], boxes, cfg.mask_roi,
                                               cfg.sampling_ratio)[0])
        mfeats = torch.cat(mfeats)
    mh, mp = model.roi_heads.mask_head, model.roi_heads.mask_predictor
    calibrate_mask_head_(mh, [getattr(mh, f'mask_fcn{i}') for i in range(1, 5)], mp.conv5_mask,
                         mp.mask_fcn_logits, mfeats)
    quantize_all_(model)
    return model
