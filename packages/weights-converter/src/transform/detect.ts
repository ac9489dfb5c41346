/** Architecture facts read from tensor shapes (mask head width, class count, width divisor). */
import { boxHeadConvName, boxHeadFcName, rpnConvName } from '@mrcnn/schema';
import { MissingTensorError, ShapeMismatchError } from '../errors';
import { NamedTensor, WeightMap } from '../types';
import { canonicalizeNames } from './to_tfjs';

export type Arch = '0049' | 'torchvision' | 'torchvision-v2';

export interface ArchitectureInfo {
  /**
   * '0049': light mask head (128/K channels); 'torchvision': mask head as wide as the FPN;
   * 'torchvision-v2': that with a conv box head (maskrcnn_resnet50_fpn_v2).
   */
  arch: Arch;
  /** Classes including background (cls_score rows). */
  numClasses: number;
  /** Width divisor K: stem channels = 64 / K. */
  widthDiv: number;
  fpnChannels: number;
  maskHeadChannels: number;
  maskHeadConvs: number;
  /** fc6/fc7 width (1024 / K). */
  boxHeadChannels: number;
  /** 3x3 convs of the RPN head (torchvision v2: 2). */
  rpnConvs: number;
  /** Convs of the box head before its FCs (torchvision v2: 4) and their channels (0 without). */
  boxHeadConvs: number;
  boxHeadConvChannels: number;
  /** FC layers of the box head (fc6, fc7: 2; torchvision v2: 1). */
  boxHeadFcs: number;
  numAnchors: number;
  /** Bottleneck blocks per stage (ResNet50: 3,4,6,3). */
  blocks: number[];
  /** fc6 input = fpnChannels x roiResolution^2. */
  roiResolution: number;
  /** True when the backbone convs carry biases and no BN tensors remain (IR, tfjs map). */
  bnFolded: boolean;
}

/** `layout`: 'pytorch' for state dicts (OIHW, [out,in]), 'tfjs' for transformed maps (HWIO, [in,out]). */
export function detectArchitecture(weights: WeightMap, layout: 'pytorch' | 'tfjs' = 'pytorch'): ArchitectureInfo {
  const map = layout === 'pytorch' ? canonicalizeNames(weights) : weights;
  const get = (name: string): NamedTensor => {
    const t = map.get(name);
    if (t === undefined) throw new MissingTensorError('needed to detect the architecture', { tensor: name });
    return t;
  };
  const convOut = (name: string): number => {
    const s = get(name).shape;
    return layout === 'pytorch' ? s[0] : s[3];
  };
  const fcOut = (name: string): number => {
    const s = get(name).shape;
    return layout === 'pytorch' ? s[0] : s[1];
  };
  const fcIn = (name: string): number => {
    const s = get(name).shape;
    return layout === 'pytorch' ? s[1] : s[0];
  };
  const stem = convOut('backbone.body.conv1.weight');
  const widthDiv = 64 / stem;
  if (!Number.isInteger(widthDiv) || widthDiv < 1) {
    throw new ShapeMismatchError(`stem has ${stem} channels; 64 / K expected`, { tensor: 'backbone.body.conv1.weight' });
  }
  const fpnChannels = convOut('backbone.fpn.inner_blocks.0.weight');
  const maskHeadChannels = convOut('roi_heads.mask_head.mask_fcn1.weight');
  let maskHeadConvs = 0;
  while (map.has(`roi_heads.mask_head.mask_fcn${maskHeadConvs + 1}.weight`)) maskHeadConvs++;
  const blocks: number[] = [];
  for (let stage = 1; stage <= 4; stage++) {
    let n = 0;
    while (map.has(`backbone.body.layer${stage}.${n}.conv1.weight`)) n++;
    blocks.push(n);
  }
  const boxHeadChannels = fcOut('roi_heads.box_head.fc6.weight');
  const count = (name: (i: number) => string): number => {
    let n = 0;
    while (map.has(name(n))) n++;
    return n;
  };
  const rpnConvs = count((i) => `${rpnConvName(i)}.weight`);
  const boxHeadConvs = count((i) => `${boxHeadConvName(i)}.weight`);
  const boxHeadFcs = count((i) => `${boxHeadFcName(i)}.weight`);
  const boxHeadConvChannels = boxHeadConvs > 0 ? convOut(`${boxHeadConvName(boxHeadConvs - 1)}.weight`) : 0;
  // fc6 reads the flattened RoI features: of the last box conv when there are convs, else of the FPN.
  const fc6In = boxHeadConvs > 0 ? boxHeadConvChannels : fpnChannels;
  const roiResolution = Math.round(Math.sqrt(fcIn('roi_heads.box_head.fc6.weight') / fc6In));
  if (roiResolution * roiResolution * fc6In !== fcIn('roi_heads.box_head.fc6.weight')) {
    throw new ShapeMismatchError(`fc6 input is not ${fc6In} x R x R`, { tensor: 'roi_heads.box_head.fc6.weight' });
  }
  const torchvision = maskHeadChannels === fpnChannels;
  return {
    arch: !torchvision ? '0049' : boxHeadConvs > 0 ? 'torchvision-v2' : 'torchvision',
    numClasses: fcOut('roi_heads.box_predictor.cls_score.weight'),
    widthDiv,
    fpnChannels,
    maskHeadChannels,
    maskHeadConvs,
    boxHeadChannels,
    rpnConvs,
    boxHeadConvs,
    boxHeadConvChannels,
    boxHeadFcs,
    numAnchors: convOut('rpn.head.cls_logits.weight'),
    blocks,
    roiResolution,
    bnFolded: map.has('backbone.body.conv1.bias') && !map.has('backbone.body.bn1.weight'),
  };
}
