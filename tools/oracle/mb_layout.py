"""A Mask R-CNN R-50-FPN with maskrcnn-benchmark's module names and layout (the family of the public ONNX
Model Zoo MaskRCNN-10 file), holding the 0049 oracle's weights, for @mrcnn/weights-converter's tests.

maskrcnn-benchmark (facebookresearch/maskrcnn-benchmark, `e2e_mask_rcnn_R_50_FPN_1x`) names and layout:
- body: `backbone.body.stem.conv1` + `stem.bn1`, `backbone.body.layer1..4.N.{conv1,bn1,conv2,bn2,conv3,bn3}`,
  `downsample.0` (conv) + `downsample.1` (BN); stride on the first 1x1 (STRIDE_IN_1X1, MSRA weights);
- its own FrozenBatchNorm2d: buffers weight, bias, running_mean, running_var and NO eps:
  scale = weight * running_var.rsqrt(), bias = bias - running_mean * scale, both reshaped to [1,C,1,1],
  x * scale + bias -- exported without constant folding this is an Rsqrt/Mul/Sub/Reshape subgraph on the
  four initializers in front of a Mul and an Add;
- FPN: `backbone.fpn.fpn_inner1..4` (1x1 laterals), `backbone.fpn.fpn_layer1..4` (3x3 outputs), nearest x2
  top-down, LastLevelMaxPool (P6);
- `rpn.head.{conv,cls_logits,bbox_pred}`;
- box head `roi_heads.box.feature_extractor.{fc6,fc7}`, `roi_heads.box.predictor.{cls_score,bbox_pred}`;
- mask head `roi_heads.mask.feature_extractor.mask_fcn1..4`, `roi_heads.mask.predictor.{conv5_mask,
  mask_fcn_logits}`.
Detectron's box conventions (+1 widths), BGR 0..255 input minus the pixel mean, stride in the 1x1: the same
inference as the 0049 oracle, so with the oracle's weights (running_var + 1e-5 for the missing eps) it
computes the oracle's function and its exports reproduce the oracle's goldens. The widths are the
oracle's (light 128/K mask head); maskrcnn-benchmark's R-50-FPN has a 256-wide mask head.

`roi_heads.box_head` / `box_predictor` / `mask_head` / `mask_predictor` are Python properties (not
registered modules) so `onnx_export.Export0049` can drive this module while every parameter keeps its
maskrcnn-benchmark name.
"""
import torch
import torch.nn.functional as F
from torch import nn

BN_EPS = 1e-5


class FrozenBatchNorm2d(nn.Module):
    """maskrcnn_benchmark.layers.FrozenBatchNorm2d (no eps)."""

    def __init__(self, n):
        super().__init__()
        self.register_buffer('weight', torch.ones(n))
        self.register_buffer('bias', torch.zeros(n))
        self.register_buffer('running_mean', torch.zeros(n))
        self.register_buffer('running_var', torch.ones(n))

    def forward(self, x):
        scale = self.weight * self.running_var.rsqrt()
        bias = self.bias - self.running_mean * scale
        return x * scale.reshape(1, -1, 1, 1) + bias.reshape(1, -1, 1, 1)


class Stem(nn.Module):
    def __init__(self, out):
        super().__init__()
        self.conv1 = nn.Conv2d(3, out, 7, stride=2, padding=3, bias=False)
        self.bn1 = FrozenBatchNorm2d(out)

    def forward(self, x):
        return F.max_pool2d(F.relu_(self.bn1(self.conv1(x))), kernel_size=3, stride=2, padding=1)


class Bottleneck(nn.Module):
    def __init__(self, cin, width, cout, stride):
        super().__init__()
        self.downsample = None
        if cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride=stride, bias=False), FrozenBatchNorm2d(cout))
        self.conv1 = nn.Conv2d(cin, width, 1, stride=stride, bias=False)
        self.bn1 = FrozenBatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width, 3, stride=1, padding=1, bias=False)
        self.bn2 = FrozenBatchNorm2d(width)
        self.conv3 = nn.Conv2d(width, cout, 1, bias=False)
        self.bn3 = FrozenBatchNorm2d(cout)

    def forward(self, x):
        y = F.relu_(self.bn1(self.conv1(x)))
        y = F.relu_(self.bn2(self.conv2(y)))
        y = self.bn3(self.conv3(y))
        return F.relu_(y + (x if self.downsample is None else self.downsample(x)))


class ResNet(nn.Module):
    def __init__(self, k, blocks=(3, 4, 6, 3)):
        super().__init__()
        self.stem = Stem(64 // k)
        cin = 64 // k
        for i, n in enumerate(blocks):
            width, cout = (64 << i) // k, (256 << i) // k
            layers = [Bottleneck(cin if j == 0 else cout, width, cout, 2 if (i > 0 and j == 0) else 1) for j in range(n)]
            self.add_module(f'layer{i + 1}', nn.Sequential(*layers))
            cin = cout

    def forward(self, x):
        x = self.stem(x)
        outs = []
        for i in range(4):
            x = getattr(self, f'layer{i + 1}')(x)
            outs.append(x)
        return outs


class FPN(nn.Module):
    def __init__(self, in_channels, f):
        super().__init__()
        for i, c in enumerate(in_channels, 1):
            self.add_module(f'fpn_inner{i}', nn.Conv2d(c, f, 1))
            self.add_module(f'fpn_layer{i}', nn.Conv2d(f, f, 3, padding=1))

    def forward(self, cs):
        last = self.fpn_inner4(cs[-1])
        results = [self.fpn_layer4(last)]
        for i in (3, 2, 1):
            last = getattr(self, f'fpn_inner{i}')(cs[i - 1]) + F.interpolate(last, scale_factor=2.0, mode='nearest')
            results.insert(0, getattr(self, f'fpn_layer{i}')(last))
        results.append(F.max_pool2d(results[-1], 1, 2, 0))  # LastLevelMaxPool
        return results


class Backbone(nn.Module):
    def __init__(self, k):
        super().__init__()
        self.body = ResNet(k)
        self.fpn = FPN([(256 << i) // k for i in range(4)], 256 // k)


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
    def __init__(self, f, a=3):
        super().__init__()
        self.head = RPNHead(f, a)


class BoxFeatureExtractor(nn.Module):  # FPN2MLPFeatureExtractor
    def __init__(self, f, rep):
        super().__init__()
        self.fc6 = nn.Linear(f * 49, rep)
        self.fc7 = nn.Linear(rep, rep)


class BoxPredictor(nn.Module):  # FPNPredictor
    def __init__(self, rep, n):
        super().__init__()
        self.cls_score = nn.Linear(rep, n)
        self.bbox_pred = nn.Linear(rep, 4 * n)


class MaskFeatureExtractor(nn.Module):  # MaskRCNNFPNFeatureExtractor, after its pooler
    def __init__(self, f, mc):
        super().__init__()
        for i in range(4):
            self.add_module(f'mask_fcn{i + 1}', nn.Conv2d(f if i == 0 else mc, mc, 3, padding=1))

    def forward(self, x):
        for i in range(4):
            x = F.relu(getattr(self, f'mask_fcn{i + 1}')(x))
        return x


class MaskPredictor(nn.Module):  # MaskRCNNC4Predictor
    def __init__(self, mc, n):
        super().__init__()
        self.conv5_mask = nn.ConvTranspose2d(mc, mc, 2, 2)
        self.mask_fcn_logits = nn.Conv2d(mc, n, 1)

    def forward(self, x):
        return self.mask_fcn_logits(F.relu(self.conv5_mask(x)))


class Head(nn.Module):
    def __init__(self, feature_extractor, predictor):
        super().__init__()
        self.feature_extractor = feature_extractor
        self.predictor = predictor


class RoIHeads(nn.Module):
    def __init__(self, f, rep, mc, n):
        super().__init__()
        self.box = Head(BoxFeatureExtractor(f, rep), BoxPredictor(rep, n))
        self.mask = Head(MaskFeatureExtractor(f, mc), MaskPredictor(mc, n))

    # The oracle's attribute names, for onnx_export.Export0049 (not registered: no second parameter name).
    box_head = property(lambda self: self.box.feature_extractor)
    box_predictor = property(lambda self: self.box.predictor)
    mask_head = property(lambda self: self.mask.feature_extractor)
    mask_predictor = property(lambda self: self.mask.predictor)


class MaskRCNNBenchmarkLayout(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        k = cfg.width_div
        self.backbone = Backbone(k)
        self.rpn = RPN(cfg.fpn_ch)
        self.roi_heads = RoIHeads(cfg.fpn_ch, cfg.fc_ch, cfg.mask_ch, cfg.num_classes)


def oracle_to_mb_name(name):
    """Canonical oracle state_dict name (docs/CONVENTIONS.md section 2) -> maskrcnn-benchmark name."""
    rules = [('backbone.body.conv1.', 'backbone.body.stem.conv1.'), ('backbone.body.bn1.', 'backbone.body.stem.bn1.'),
             ('roi_heads.box_head.', 'roi_heads.box.feature_extractor.'),
             ('roi_heads.box_predictor.', 'roi_heads.box.predictor.'),
             ('roi_heads.mask_head.', 'roi_heads.mask.feature_extractor.'),
             ('roi_heads.mask_predictor.', 'roi_heads.mask.predictor.')]
    for a, b in rules:
        if name.startswith(a):
            return b + name[len(a):]
    for kind, mb in (('inner_blocks', 'fpn_inner'), ('layer_blocks', 'fpn_layer')):
        p = f'backbone.fpn.{kind}.'
        if name.startswith(p):
            i, rest = name[len(p):].split('.', 1)
            return f'backbone.fpn.{mb}{int(i) + 1}.{rest}'
    return name


def from_oracle(oracle):
    """The maskrcnn-benchmark-layout module computing `oracle`'s function (running_var + eps: no eps here)."""
    mb = MaskRCNNBenchmarkLayout(oracle.cfg).eval()
    sd = {}
    for name, t in oracle.state_dict().items():
        if name.endswith('num_batches_tracked'):
            continue
        v = t.detach().clone()
        if name.endswith('running_var'):
            v = v + BN_EPS
        sd[oracle_to_mb_name(name)] = v
    mb.load_state_dict(sd, strict=True)
    return mb
