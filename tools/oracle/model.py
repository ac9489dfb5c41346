"""Reference network for instance-segmentation-security-0049 (segmentoly ResNet50FPNMaskRCNNLightSegmHead)
with the canonical state_dict names of docs/CONVENTIONS.md section 2.

Conv trunk and heads are nn.Modules; the non-learned stages (anchors, proposals, RoI extraction,
detection output) live in pipeline.py. FC layers keep nn.Linear parameters but run as 1x1
convolutions (Debian torch's reference BLAS makes plain matmul ~4x slower than mkldnn convs).
"""
import torch
import torch.nn.functional as F
from torch import nn
from torchvision.ops import FrozenBatchNorm2d

BN_EPS = 1e-5


def frozen_bn(c):
    return FrozenBatchNorm2d(c, eps=BN_EPS)


def linear_as_conv(fc, x):
    """nn.Linear applied through a 1x1 convolution on [N, in] -> [N, out]."""
    y = F.conv2d(x.reshape(x.shape[0], -1, 1, 1), fc.weight.unsqueeze(-1).unsqueeze(-1), fc.bias)
    return y.reshape(y.shape[0], -1)


class Bottleneck(nn.Module):
    """Caffe/MSRA bottleneck: the stride sits on the first 1x1 conv (stride_1x1)."""

    def __init__(self, cin, width, cout, stride, stride_1x1=True):
        super().__init__()
        s1, s3 = (stride, 1) if stride_1x1 else (1, stride)
        self.conv1 = nn.Conv2d(cin, width, 1, stride=s1, bias=False)
        self.bn1 = frozen_bn(width)
        self.conv2 = nn.Conv2d(width, width, 3, stride=s3, padding=1, bias=False)
        self.bn2 = frozen_bn(width)
        self.conv3 = nn.Conv2d(width, cout, 1, bias=False)
        self.bn3 = frozen_bn(cout)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride=stride, bias=False), frozen_bn(cout))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = F.relu(self.bn2(self.conv2(y)))
        y = self.bn3(self.conv3(y))
        r = x if self.downsample is None else self.downsample(x)
        return F.relu(y + r)


class ResNetBody(nn.Module):
    """ResNet50 (3,4,6,3); returns C2..C5."""

    def __init__(self, cfg, blocks=(3, 4, 6, 3), stride_1x1=True):
        super().__init__()
        stem = cfg.ch(64)
        self.conv1 = nn.Conv2d(3, stem, 7, stride=2, padding=3, bias=False)
        self.bn1 = frozen_bn(stem)
        cin = stem
        for i, n in enumerate(blocks):
            width, cout = cfg.ch(64 << i), cfg.ch(256 << i)
            layer = []
            for j in range(n):
                stride = 2 if (i > 0 and j == 0) else 1
                layer.append(Bottleneck(cin, width, cout, stride, stride_1x1))
                cin = cout
            setattr(self, f'layer{i + 1}', nn.Sequential(*layer))
        self.out_channels = [cfg.ch(256 << i) for i in range(4)]

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = F.max_pool2d(x, kernel_size=3, stride=2, padding=1)
        outs = []
        for i in range(4):
            x = getattr(self, f'layer{i + 1}')(x)
            outs.append(x)
        return outs


class FPN(nn.Module):
    """Lateral 1x1 (bias) + nearest x2 top-down add + 3x3 (bias) -> P2..P5; P6 = maxpool k1 s2 of P5."""

    def __init__(self, in_channels, f):
        super().__init__()
        self.inner_blocks = nn.ModuleList([nn.Conv2d(c, f, 1) for c in in_channels])
        self.layer_blocks = nn.ModuleList([nn.Conv2d(f, f, 3, padding=1) for _ in in_channels])

    def forward(self, cs):
        top = self.inner_blocks[-1](cs[-1])
        ps = [self.layer_blocks[-1](top)]
        for i in range(len(cs) - 2, -1, -1):
            top = self.inner_blocks[i](cs[i]) + F.interpolate(top, scale_factor=2.0, mode='nearest')
            ps.insert(0, self.layer_blocks[i](top))
        ps.append(F.max_pool2d(ps[-1], kernel_size=1, stride=2))
        return ps


class Backbone(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.body = ResNetBody(cfg)
        self.fpn = FPN(self.body.out_channels, cfg.fpn_ch)


class RPNHead(nn.Module):
    def __init__(self, f, a):
        super().__init__()
        self.conv = nn.Conv2d(f, f, 3, padding=1)
        self.cls_logits = nn.Conv2d(f, a, 1)
        self.bbox_pred = nn.Conv2d(f, 4 * a, 1)

    def forward(self, p):
        t = F.relu(self.conv(p))
        return self.cls_logits(t), self.bbox_pred(t)


class RPN(nn.Module):
    def __init__(self, cfg, a=3):
        super().__init__()
        self.head = RPNHead(cfg.fpn_ch, a)


class BoxHead(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.fc6 = nn.Linear(cfg.fpn_ch * cfg.box_roi * cfg.box_roi, cfg.fc_ch)
        self.fc7 = nn.Linear(cfg.fc_ch, cfg.fc_ch)

    def forward(self, feats):
        x = F.relu(linear_as_conv(self.fc6, feats.reshape(feats.shape[0], -1)))  # (C,7,7) flattening
        return F.relu(linear_as_conv(self.fc7, x))


class BoxPredictor(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cls_score = nn.Linear(cfg.fc_ch, cfg.num_classes)
        self.bbox_pred = nn.Linear(cfg.fc_ch, 4 * cfg.num_classes)

    def forward(self, x):
        return linear_as_conv(self.cls_score, x), linear_as_conv(self.bbox_pred, x)


class MaskHead(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        cin = cfg.fpn_ch
        for i in range(4):
            setattr(self, f'mask_fcn{i + 1}', nn.Conv2d(cin, cfg.mask_ch, 3, padding=1))
            cin = cfg.mask_ch

    def forward(self, x):
        for i in range(4):
            x = F.relu(getattr(self, f'mask_fcn{i + 1}')(x))
        return x


class MaskPredictor(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.conv5_mask = nn.ConvTranspose2d(cfg.mask_ch, cfg.mask_ch, 2, stride=2)
        self.mask_fcn_logits = nn.Conv2d(cfg.mask_ch, cfg.num_classes, 1)

    def forward(self, x):
        return self.mask_fcn_logits(F.relu(self.conv5_mask(x)))


class RoIHeads(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.box_head = BoxHead(cfg)
        self.box_predictor = BoxPredictor(cfg)
        self.mask_head = MaskHead(cfg)
        self.mask_predictor = MaskPredictor(cfg)


class MaskRCNN0049(nn.Module):
    """Learned parts only; `pipeline.run_0049` drives the full inference."""

    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.backbone = Backbone(cfg)
        self.rpn = RPN(cfg)
        self.roi_heads = RoIHeads(cfg)


def count_params(model, cfg):
    """(card-rule count, unique count). Card rule: frozen BN folded into conv biases (a conv followed by
    BN counts weight + out_channels), RPN head counted once per level (5x)."""
    sd = model.state_dict()
    unique, rpn = 0, 0
    for name, t in sd.items():
        if name.endswith('num_batches_tracked'):
            continue
        if '.bn' in name or 'downsample.1' in name or name.rsplit('.', 2)[-2] in ('bn1', 'bn2', 'bn3'):
            if name.endswith('.bias'):
                unique += t.numel()  # folded conv bias = one per channel
            continue
        unique += t.numel()
        if name.startswith('rpn.'):
            rpn += t.numel()
    return unique + 4 * rpn, unique
