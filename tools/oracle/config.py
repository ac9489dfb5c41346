"""Oracle configurations: `0049` (segmentoly ResNet50FPNMaskRCNNLightSegmHead as the card describes it)
and `torchvision` (torchvision 0.14 maskrcnn_resnet50_fpn). `width_div` K divides every channel count."""
import math
from dataclasses import dataclass, field, replace

MEAN_BGR = (102.9801, 115.9465, 122.7717)
# Anchor widths/heights per RPN level (strides 4..64), segmentoly's table scaled by 0.4.
ANCHOR_WIDTHS = ((19.6, 13.2, 10.0), (35.6, 26.0, 19.6), (74.0, 51.6, 35.6), (144.4, 102.8, 74.0),
                 (291.6, 205.2, 144.4))
ANCHOR_HEIGHTS = ((10.0, 13.2, 19.6), (19.6, 26.0, 35.6), (38.8, 51.6, 58.8), (70.8, 102.8, 147.6),
                  (147.6, 205.2, 288.4))
RPN_STRIDES = (4, 8, 16, 32, 64)
BBOX_CLIP = math.log(1000.0 / 16.0)


@dataclass(frozen=True)
class Config:
    name: str = '0049'
    width_div: int = 1
    num_classes: int = 81
    input_hw: tuple = (320, 480)          # im_data size (multiple of 32)
    pre_nms_per_level: int = 1000         # proposals: top-k per level before NMS
    post_nms_per_level: int = 1000        # proposals kept per level after NMS
    post_nms_total: int = 1000            # top-N over all levels (TopKROIs)
    rpn_nms_iou: float = 0.7
    det_score_thresh: float = 0.05
    det_nms_iou: float = 0.5
    det_post_nms_per_class: int = 2000
    max_detections: int = 100
    box_roi: int = 7
    mask_roi: int = 14                    # 14 -> 28x28 masks (card); 7 -> 14x14 (segmentoly class)
    sampling_ratio: int = 2
    seed: int = 49

    @property
    def k(self):
        return self.width_div

    def ch(self, c):
        if c % self.width_div:
            raise ValueError(f'channel count {c} not divisible by width_div {self.width_div}')
        return c // self.width_div

    @property
    def fpn_ch(self):
        return self.ch(256)

    @property
    def fc_ch(self):
        return self.ch(1024)

    @property
    def mask_ch(self):
        return self.ch(128) if self.name == '0049' else self.ch(256)

    def as_meta(self):
        d = {k: v for k, v in self.__dict__.items()}
        d['input_hw'] = list(self.input_hw)
        return d


def make_config(name='0049', width_div=1, **overrides):
    if name == '0049':
        cfg = Config(name='0049', width_div=width_div, num_classes=81)
    elif name == 'torchvision':
        cfg = Config(name='torchvision', width_div=width_div, num_classes=91)
    else:
        raise ValueError(f'unknown config {name}')
    return replace(cfg, **overrides) if overrides else cfg
