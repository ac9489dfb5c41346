/**
 * The configuration's types: nested readonly objects, plain JSON so the whole object can travel in
 * `model.json` (`userDefinedMetadata.mrcnn`). Values: defaults.ts, variants.ts; merging and
 * validation: resolve.ts, validate.ts.
 */
export type ResizePolicy = 'fit' | 'window';
export type ChannelOrder = 'BGR' | 'RGB';
export type Triple = readonly [number, number, number];
export type Quad = readonly [number, number, number, number];

/**
 * How an image becomes the network's input (`im_data`) and how its outputs go back to the image:
 * - 'card': the 0049 model card's preprocessing. The image is resized by `resizePolicy` so that it
 *   fits `minSize` x `maxSize` (rows x columns, the card's 320x480; `fit`: the shorter side to
 *   minSize unless the longer exceeds maxSize), resized size floor(x·s + 0.5), then zero padded at
 *   the bottom/right to at least minSize x maxSize and a multiple of `padMultiple`. im_data holds
 *   raw 0..255 values in `channelOrder`; the network subtracts `mean` and divides by `std` after the
 *   padding. Boxes go back by 1/s, masks by segmentoly's paste.
 * - 'torchvision': torchvision 0.14's GeneralizedRCNNTransform (eval). The image (0..255) is divided
 *   by 255, normalised with `mean`/`std` (torchvision's image_mean/image_std, 0..1 units), then
 *   resized by its float32 scale s = min(minSize/short, maxSize/long) to floor(x·s) (no rounding:
 *   400x600 at 320/480 becomes 319x479) and zero padded to multiples of `padMultiple` (its
 *   size_divisible). im_data is that normalised batch; the network does not normalise again. Boxes
 *   go back by its per-axis float32 ratios, masks by its paste_masks_in_image.
 */
export type InputTransform = 'card' | 'torchvision';

export interface InputConfig {
  readonly transform: InputTransform;
  /**
   * Target of the shorter side (card: im_data's minimum height, 320; torchvision: min_size, 800).
   * card: a multiple of `padMultiple`.
   */
  readonly minSize: number;
  /** Limit of the longer side (card: im_data's minimum width, 480; torchvision: max_size, 1333). */
  readonly maxSize: number;
  /** Padded size is a multiple of this (bottom/right zero padding). */
  readonly padMultiple: number;
  /** Per-channel mean in `channelOrder` (card: 0..255 units, subtracted in the network; torchvision: 0..1 units). */
  readonly mean: Triple;
  /** Per-channel divisor applied after the mean (0049: 1). */
  readonly std: Triple;
  readonly channelOrder: ChannelOrder;
  /** Default resize policy (card: both are valid; torchvision: only `fit`, its rule). */
  readonly resizePolicy: ResizePolicy;
}

export interface BackboneConfig {
  /** Where a bottleneck's stride 2 sits: '1x1' (Caffe/MSRA, 0049) or '3x3' (torchvision). */
  readonly strideOn: '1x1' | '3x3';
  /** Bottleneck blocks per stage (ResNet50: 3, 4, 6, 3). */
  readonly blocks: Quad;
  /** Width divisor K of the backbone (1 = real size; test fixtures use 8). */
  readonly widthDiv: number;
}

export interface FpnConfig {
  /** FPN channels (256/K). */
  readonly channels: number;
}

/** 0049: explicit anchor widths/heights per level (segmentoly's table), centres at (i + 0.5)·stride. */
export interface TableAnchorsConfig {
  readonly kind: 'table';
  readonly strides: readonly number[];
  readonly widths: readonly (readonly number[])[];
  readonly heights: readonly (readonly number[])[];
  /** Centre offset in cells: 0.5 for 0049. */
  readonly offset: number;
}

/** torchvision AnchorGenerator: sizes × aspect ratios, cell anchors rounded, centres at i·stride. */
export interface SizesRatiosAnchorsConfig {
  readonly kind: 'sizesRatios';
  readonly strides: readonly number[];
  readonly sizes: readonly (readonly number[])[];
  readonly ratios: readonly number[];
  readonly offset: number;
}

export type AnchorsConfig = TableAnchorsConfig | SizesRatiosAnchorsConfig;

export interface RpnConfig {
  /** 3x3 conv + relu layers of the RPN head before its two predictors (v1: 1; torchvision v2: 2). */
  readonly convs: number;
  readonly preNmsTopNPerLevel: number;
  readonly postNmsTopNPerLevel: number;
  /** Top-N over all levels after the per-level NMS (TopKROIs). */
  readonly postNmsTopN: number;
  readonly nmsThreshold: number;
  /** Boxes narrower or lower than this are dropped before NMS (0049: 0 = none). */
  readonly minSize: number;
  /** Legacy Detectron box convention (width = x2 − x1 + 1) in decoding, clipping and NMS. */
  readonly boxPlusOne: boolean;
  /** dw/dh clamp, log(1000/16). */
  readonly clampLogWh: number;
  readonly deltaWeights: Quad;
}

export interface RoiConfig {
  readonly boxOutputSize: number;
  readonly maskOutputSize: number;
  readonly samplingRatio: number;
  readonly aligned: boolean;
  /** Level mapping: k = floor(canonicalLevel + log2(sqrt(area) / canonicalScale + 1e-6)). */
  readonly canonicalScale: number;
  readonly canonicalLevel: number;
  /** Area of a RoI for the level mapping: 'plusOne' = (w+1)(h+1) (0049), 'plain' = w·h (torchvision). */
  readonly areaMode: 'plusOne' | 'plain';
  /** Strides of the pyramid levels the RoI heads read (P2..P5). */
  readonly strides: readonly number[];
}

/**
 * Box head between RoIAlign and the predictors: `convs` x (3x3 conv + relu, `convChannels`), then
 * the features flattened (C, s, s) and `fcs` x (FC + relu, `fcDim`). 0049 and torchvision v1:
 * TwoMLPHead (0 convs, fc6 + fc7); torchvision v2: FastRCNNConvFCHead (4 convs with BN, fc6).
 */
export interface BoxHeadConfig {
  readonly convs: number;
  /** Output channels of the box head's convs (256/K; unused without convs). */
  readonly convChannels: number;
  /** FC layers (fc6, fc7, ...). */
  readonly fcs: number;
  /** fc width (1024/K). */
  readonly fcDim: number;
}

export interface DetectionConfig {
  /** The network's own cut: rows scoring below it never leave the detection output (0049: 0.05). */
  readonly scoreThreshold: number;
  /**
   * The default of `detect()`'s `scoreThreshold` option (and of `mrcnn detect --score`): the score
   * from which this model's instances are worth reporting. 0049 and torchvision: 0.5; a weakly
   * trained model stores a lower one (the embedded default model: 0.3). Not read by the network.
   */
  readonly defaultScoreThreshold: number;
  readonly nmsThreshold: number;
  readonly maxDetections: number;
  /** Per-class cap after NMS (OpenVINO post_nms_count). */
  readonly postNmsPerClass: number;
  readonly deltaWeights: Quad;
  readonly clampLogWh: number;
  readonly boxPlusOne: boolean;
  /** Boxes smaller than this are dropped (torchvision 0.01; 0049: 0 = none). */
  readonly minSize: number;
  /**
   * Row order: 'classMajor' = the spec's rule (> max survivors: top max by score; otherwise
   * class ascending, score descending); 'score' = score descending (torchvision).
   */
  readonly ordering: 'classMajor' | 'score';
}

export interface MaskConfig {
  /** Channels of the mask convs (0049: 128/K; torchvision: 256/K). */
  readonly channels: number;
  readonly convs: number;
}

export interface ModelConfig {
  readonly name: string;
  /** Classes including background (0049: 81, COCO contiguous; torchvision: 91). */
  readonly numClasses: number;
  readonly input: InputConfig;
  readonly backbone: BackboneConfig;
  readonly fpn: FpnConfig;
  readonly anchors: AnchorsConfig;
  readonly rpn: RpnConfig;
  readonly roi: RoiConfig;
  readonly boxHead: BoxHeadConfig;
  readonly detection: DetectionConfig;
  readonly mask: MaskConfig;
}

/** Deep partial for overrides; arrays are replaced whole, objects merged. */
export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { readonly [K in keyof T]?: DeepPartial<T[K]> }
    : T;
