import { canonicalName, isIgnoredName } from './names';

describe('canonicalName', () => {
  it.each([
    ['backbone.fpn.inner_blocks.2.0.weight', 'backbone.fpn.inner_blocks.2.weight'],
    ['rpn.head.conv.0.0.bias', 'rpn.head.conv.bias'],
    ['roi_heads.mask_head.3.0.weight', 'roi_heads.mask_head.mask_fcn4.weight'],
    // maskrcnn-benchmark (e2e_mask_rcnn_R_50_FPN)
    ['backbone.body.stem.conv1.weight', 'backbone.body.conv1.weight'],
    ['backbone.body.stem.bn1.running_var', 'backbone.body.bn1.running_var'],
    ['backbone.fpn.fpn_inner1.weight', 'backbone.fpn.inner_blocks.0.weight'],
    ['backbone.fpn.fpn_layer4.bias', 'backbone.fpn.layer_blocks.3.bias'],
    ['roi_heads.box.feature_extractor.fc6.weight', 'roi_heads.box_head.fc6.weight'],
    ['roi_heads.box.predictor.bbox_pred.bias', 'roi_heads.box_predictor.bbox_pred.bias'],
    ['roi_heads.mask.feature_extractor.mask_fcn2.weight', 'roi_heads.mask_head.mask_fcn2.weight'],
    ['roi_heads.mask.predictor.conv5_mask.weight', 'roi_heads.mask_predictor.conv5_mask.weight'],
    ['backbone.body.layer1.0.downsample.1.bias', 'backbone.body.layer1.0.downsample.1.bias'],
  ])('%s -> %s', (from, to) => {
    expect(canonicalName(from)).toBe(to);
  });

  it('ignores BN counters and maskrcnn-benchmark anchor buffers', () => {
    expect(isIgnoredName('backbone.body.bn1.num_batches_tracked')).toBe(true);
    expect(isIgnoredName('rpn.anchor_generator.cell_anchors.0')).toBe(true);
    expect(isIgnoredName('rpn.head.conv.weight')).toBe(false);
  });
});
