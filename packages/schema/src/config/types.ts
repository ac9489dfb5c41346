/**
 * The configuration's types: nested readonly objects, plain JSON so the whole object can travel in
 * `model.json` (`userDefinedMetadata.mrcnn`). Values: defaults.ts, variants.ts; merging and
 * validation: resolve.ts, validate.ts.
 */
export type ResizePolicy = 'fit' | 'window';
export type ChannelOrder = 'BGR' | 'RGB';
export type Triple = readonly [number, number, number];
export type Quad = readonly [number, number, number, number];

export interface InputConfig {
  /** im_data height/width the network is fed (card: 320x480). */
  readonly height: number;
  readonly width: number;
  /** Padded size is a multiple of this (bottom/right zero padding). */
  readonly padMultiple: number;
  /** Per-channel mean in `channelOrder`, subtracted inside the network after padding. */
  readonly mean: Triple;
  /** Per-channel divisor applied after the mean (0049: 1). */
  readonly std: Triple;
  readonly channelOrder: ChannelOrder;
  /** Default resize policy of the preprocessing (card: both are valid). */
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

export interface BoxHeadConfig {
  /** fc6/fc7 width (1024/K). */
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
