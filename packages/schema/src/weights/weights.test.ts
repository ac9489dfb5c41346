import { DEFAULT_0049_CONFIG, DEFAULT_TORCHVISION_CONFIG, DEFAULT_TORCHVISION_V2_CONFIG, widthDivOverrides } from '../config/defaults';
import { resolveConfig } from '../config/resolve';
import { expectedWeightShapes } from './expected_shapes';
import { countParameters } from './parameters';

describe('parameter count', () => {
  it('reproduces the card: 44,920,241 with the spec rule (RPN counted 5x)', () => {
    const count = countParameters(expectedWeightShapes(DEFAULT_0049_CONFIG), DEFAULT_0049_CONFIG);
    // eslint-disable-next-line no-console
    console.log(`0049 parameters: ${count.total.toLocaleString('en-US')} (card: 44.920 M); unique ${count.unique.toLocaleString('en-US')}`);
    expect(count.byStage).toEqual({ backbone: 23481472, fpn: 3344384, rpn: 2969675, boxHead: 14310805, maskHead: 813905 });
    expect(count.total).toBe(44920241);
    expect(count.unique).toBe(42544501);
    expect((count.total / 1e6).toFixed(3)).toBe('44.920');
  });

  it('counts a map of tensors as its shapes', () => {
    const shapes = expectedWeightShapes(DEFAULT_0049_CONFIG);
    const tensors = Object.fromEntries([...shapes].map(([name, shape]) => [name, { shape }]));
    expect(countParameters(tensors, DEFAULT_0049_CONFIG)).toEqual(countParameters(shapes, DEFAULT_0049_CONFIG));
  });

  it("torchvision's maskrcnn_resnet50_fpn: torchvision's 44,401,393 plus the biases BN folding adds", () => {
    // torchvision documents 44,401,393 parameters (FrozenBatchNorm2d holds buffers, its convs no bias);
    // folding BN gives each of the 53 body convs a bias: 26,560 values.
    const shapes = expectedWeightShapes(DEFAULT_TORCHVISION_CONFIG);
    const count = countParameters(shapes, DEFAULT_TORCHVISION_CONFIG);
    const foldedBiases = [...shapes].filter(([n]) => n.startsWith('backbone.body.') && n.endsWith('.bias'))
      .reduce((a, [, shape]) => a + shape[0], 0);
    expect(foldedBiases).toBe(26560);
    expect(count.unique - foldedBiases).toBe(44401393);
  });

  it("torchvision's maskrcnn_resnet50_fpn_v2: its 46,359,409 less one value per BatchNorm channel (BN's 2 become a bias)", () => {
    // torchvision documents 46,359,409 parameters; its 30,656 BatchNorm channels (body, FPN, box and
    // mask heads) each hold a weight and a bias there, and one folded conv bias here.
    const shapes = expectedWeightShapes(DEFAULT_TORCHVISION_V2_CONFIG);
    const count = countParameters(shapes, DEFAULT_TORCHVISION_V2_CONFIG);
    expect(count.unique).toBe(46359409 - 30656);
    expect(shapes.get('rpn.head.conv2.weight')).toEqual([3, 3, 256, 256]);
    expect(shapes.get('roi_heads.box_head.conv4.weight')).toEqual([3, 3, 256, 256]);
    expect(shapes.get('roi_heads.box_head.fc6.weight')).toEqual([256 * 7 * 7, 1024]);
    expect(shapes.has('roi_heads.box_head.fc7.weight')).toBe(false);
    expect(shapes.size).toBe(expectedWeightShapes(DEFAULT_TORCHVISION_CONFIG).size + 2 * (1 + 4 - 1));
  });
});

describe('expectedWeightShapes', () => {
  it('lists every tensor in tfjs layout (HWIO convs, [in, out] FCs, deconv [kh, kw, out, in])', () => {
    const k8 = resolveConfig(widthDivOverrides(8));
    const s = expectedWeightShapes(k8);
    expect(s.get('backbone.body.conv1.weight')).toEqual([7, 7, 3, 8]);
    expect(s.get('backbone.body.layer4.0.downsample.0.weight')).toEqual([1, 1, 128, 256]);
    expect(s.get('backbone.fpn.inner_blocks.3.weight')).toEqual([1, 1, 256, 32]);
    expect(s.get('rpn.head.bbox_pred.weight')).toEqual([1, 1, 32, 12]);
    expect(s.get('roi_heads.box_head.fc6.weight')).toEqual([7 * 7 * 32, 128]);
    expect(s.get('roi_heads.box_predictor.bbox_pred.weight')).toEqual([128, 324]);
    expect(s.get('roi_heads.mask_head.mask_fcn1.weight')).toEqual([3, 3, 32, 16]);
    expect(s.get('roi_heads.mask_predictor.conv5_mask.weight')).toEqual([2, 2, 16, 16]);
    expect(s.get('roi_heads.mask_predictor.mask_fcn_logits.weight')).toEqual([1, 1, 16, 81]);
    // 53 convs in the ResNet50 body (incl. 4 downsamples), 8 FPN, 3 RPN, 4 FC, 4 + 2 mask: weight + bias each.
    expect(s.size).toBe(2 * (53 + 8 + 3 + 4 + 6));
  });

  it('follows the block counts (a ResNet101 body has 23 blocks in stage 4)', () => {
    const r101 = resolveConfig({ backbone: { blocks: [3, 4, 23, 3] } });
    const s = expectedWeightShapes(r101);
    expect(s.has('backbone.body.layer3.22.conv3.weight')).toBe(true);
    expect(s.has('backbone.body.layer3.23.conv1.weight')).toBe(false);
    expect(s.size).toBe(expectedWeightShapes(DEFAULT_0049_CONFIG).size + 2 * 3 * 17);
  });
});
