/**
 * Architecture configuration of the network: nested readonly objects, two defaults
 * (`DEFAULT_0049_CONFIG`, `DEFAULT_TORCHVISION_CONFIG`) and one `resolveConfig()` that merges a
 * partial configuration over a base and validates the result.
 *
 * The values follow /work/shared/spec/0049-architecture.md ("Conventions pinned"). The whole object
 * is plain JSON so it can travel in `model.json` (`userDefinedMetadata.mrcnn`).
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
  readonly scoreThreshold: number;
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

/** Thrown by `resolveConfig` for a value outside its domain; `path` names the field. */
export class ConfigError extends Error {
  constructor(readonly path: string, message: string) {
    super(`invalid config ${path}: ${message}`);
    this.name = 'ConfigError';
  }
}

const CLAMP_LOG_WH = Math.log(1000 / 16);

export const DEFAULT_0049_CONFIG: ModelConfig = {
  name: 'instance-segmentation-security-0049',
  numClasses: 81,
  input: {
    height: 320,
    width: 480,
    padMultiple: 32,
    mean: [102.9801, 115.9465, 122.7717],
    std: [1, 1, 1],
    channelOrder: 'BGR',
    resizePolicy: 'fit',
  },
  backbone: { strideOn: '1x1', blocks: [3, 4, 6, 3], widthDiv: 1 },
  fpn: { channels: 256 },
  anchors: {
    kind: 'table',
    strides: [4, 8, 16, 32, 64],
    widths: [[19.6, 13.2, 10], [35.6, 26, 19.6], [74, 51.6, 35.6], [144.4, 102.8, 74], [291.6, 205.2, 144.4]],
    heights: [[10, 13.2, 19.6], [19.6, 26, 35.6], [38.8, 51.6, 58.8], [70.8, 102.8, 147.6], [147.6, 205.2, 288.4]],
    offset: 0.5,
  },
  rpn: {
    preNmsTopNPerLevel: 1000,
    postNmsTopNPerLevel: 1000,
    postNmsTopN: 1000,
    nmsThreshold: 0.7,
    minSize: 0,
    boxPlusOne: true,
    clampLogWh: CLAMP_LOG_WH,
    deltaWeights: [1, 1, 1, 1],
  },
  roi: {
    boxOutputSize: 7,
    maskOutputSize: 14,
    samplingRatio: 2,
    aligned: false,
    canonicalScale: 224,
    canonicalLevel: 4,
    areaMode: 'plusOne',
    strides: [4, 8, 16, 32],
  },
  boxHead: { fcDim: 1024 },
  detection: {
    scoreThreshold: 0.05,
    nmsThreshold: 0.5,
    maxDetections: 100,
    postNmsPerClass: 2000,
    deltaWeights: [10, 10, 5, 5],
    clampLogWh: CLAMP_LOG_WH,
    boxPlusOne: true,
    minSize: 0,
    ordering: 'classMajor',
  },
  mask: { channels: 128, convs: 4 },
};

/** torchvision 0.14 `maskrcnn_resnet50_fpn` (COCO, 91 classes) at this package's fixed input size. */
export const DEFAULT_TORCHVISION_CONFIG: ModelConfig = {
  name: 'torchvision-maskrcnn_resnet50_fpn',
  numClasses: 91,
  input: {
    height: 320,
    width: 480,
    padMultiple: 32,
    mean: [123.675, 116.28, 103.53],
    std: [58.395, 57.12, 57.375],
    channelOrder: 'RGB',
    resizePolicy: 'fit',
  },
  backbone: { strideOn: '3x3', blocks: [3, 4, 6, 3], widthDiv: 1 },
  fpn: { channels: 256 },
  anchors: {
    kind: 'sizesRatios',
    strides: [4, 8, 16, 32, 64],
    sizes: [[32], [64], [128], [256], [512]],
    ratios: [0.5, 1, 2],
    offset: 0,
  },
  rpn: {
    preNmsTopNPerLevel: 1000,
    postNmsTopNPerLevel: 1000,
    postNmsTopN: 1000,
    nmsThreshold: 0.7,
    minSize: 1e-3,
    boxPlusOne: false,
    clampLogWh: CLAMP_LOG_WH,
    deltaWeights: [1, 1, 1, 1],
  },
  roi: {
    boxOutputSize: 7,
    maskOutputSize: 14,
    samplingRatio: 2,
    aligned: false,
    canonicalScale: 224,
    canonicalLevel: 4,
    areaMode: 'plain',
    strides: [4, 8, 16, 32],
  },
  boxHead: { fcDim: 1024 },
  detection: {
    scoreThreshold: 0.05,
    nmsThreshold: 0.5,
    maxDetections: 100,
    postNmsPerClass: 2000,
    deltaWeights: [10, 10, 5, 5],
    clampLogWh: CLAMP_LOG_WH,
    boxPlusOne: false,
    minSize: 1e-2,
    ordering: 'score',
  },
  mask: { channels: 256, convs: 4 },
};

/**
 * Overrides that divide every channel count by `k` (the oracle's width_div), for the small test
 * fixtures: `resolveConfig(widthDivOverrides(8))`.
 */
export function widthDivOverrides(k: number, base: ModelConfig = DEFAULT_0049_CONFIG): DeepPartial<ModelConfig> {
  const div = (path: string, c: number): number => {
    if (!Number.isInteger(k) || k < 1 || c % k !== 0) throw new ConfigError(path, `${c} is not divisible by width divisor ${k}`);
    return c / k;
  };
  return {
    backbone: { widthDiv: k },
    fpn: { channels: div('fpn.channels', base.fpn.channels) },
    boxHead: { fcDim: div('boxHead.fcDim', base.boxHead.fcDim) },
    mask: { channels: div('mask.channels', base.mask.channels) },
  };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function merge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = merge(base[k], v);
  return out;
}

/** Merges `partial` over `base` (default: 0049) and validates; throws `ConfigError`. */
export function resolveConfig(partial: DeepPartial<ModelConfig> = {}, base: ModelConfig = DEFAULT_0049_CONFIG): ModelConfig {
  const merged = merge(base, partial);
  return validateConfig(merged);
}

// ---- validation: builds a fresh, exactly-typed object from unknown input -------------------------

function field(obj: unknown, path: string): Record<string, unknown> {
  if (!isPlainObject(obj)) throw new ConfigError(path, 'expected an object');
  return obj;
}

function num(o: Record<string, unknown>, key: string, path: string, check: (v: number) => boolean, what: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v) || !check(v)) {
    throw new ConfigError(`${path}.${key}`, `expected ${what}, got ${JSON.stringify(v)}`);
  }
  return v;
}

const posInt = (v: number): boolean => Number.isInteger(v) && v > 0;
const nonNegInt = (v: number): boolean => Number.isInteger(v) && v >= 0;
const positive = (v: number): boolean => v > 0;
const nonNeg = (v: number): boolean => v >= 0;
const unit = (v: number): boolean => v >= 0 && v <= 1;
const any = (): boolean => true;

function oneOf<T extends string>(o: Record<string, unknown>, key: string, path: string, values: readonly T[]): T {
  const v = o[key];
  const hit = values.find((x) => x === v);
  if (hit === undefined) throw new ConfigError(`${path}.${key}`, `expected one of ${values.join(', ')}, got ${JSON.stringify(v)}`);
  return hit;
}

function bool(o: Record<string, unknown>, key: string, path: string): boolean {
  const v = o[key];
  if (typeof v !== 'boolean') throw new ConfigError(`${path}.${key}`, `expected a boolean, got ${JSON.stringify(v)}`);
  return v;
}

function numList(v: unknown, path: string, len: number | undefined, check: (x: number) => boolean, what: string): number[] {
  if (!Array.isArray(v) || (len !== undefined && v.length !== len) || v.length === 0) {
    throw new ConfigError(path, `expected ${len ?? 'a non-empty list of'} ${what}, got ${JSON.stringify(v)}`);
  }
  return v.map((x, i) => {
    if (typeof x !== 'number' || !Number.isFinite(x) || !check(x)) throw new ConfigError(`${path}[${i}]`, `expected ${what}, got ${JSON.stringify(x)}`);
    return x;
  });
}

function triple(v: unknown, path: string, check: (x: number) => boolean, what: string): Triple {
  const a = numList(v, path, 3, check, what);
  return [a[0], a[1], a[2]];
}

function quad(v: unknown, path: string, check: (x: number) => boolean, what: string): Quad {
  const a = numList(v, path, 4, check, what);
  return [a[0], a[1], a[2], a[3]];
}

function validateAnchors(v: unknown): AnchorsConfig {
  const o = field(v, 'anchors');
  const kind = oneOf(o, 'kind', 'anchors', ['table', 'sizesRatios'] as const);
  const strides = numList(o.strides, 'anchors.strides', undefined, posInt, 'positive integers');
  const offset = num(o, 'offset', 'anchors', unit, 'a number in [0, 1]');
  const perLevel = (key: string): number[][] => {
    const lv = o[key];
    if (!Array.isArray(lv) || lv.length !== strides.length) {
      throw new ConfigError(`anchors.${key}`, `expected one list per stride (${strides.length})`);
    }
    return lv.map((x, i) => numList(x, `anchors.${key}[${i}]`, undefined, positive, 'positive numbers'));
  };
  if (kind === 'table') {
    const widths = perLevel('widths');
    const heights = perLevel('heights');
    widths.forEach((w, i) => {
      if (w.length !== heights[i].length || w.length !== widths[0].length) {
        throw new ConfigError(`anchors.heights[${i}]`, 'every level needs the same number of widths and heights');
      }
    });
    return { kind, strides, widths, heights, offset };
  }
  const sizes = perLevel('sizes');
  const ratios = numList(o.ratios, 'anchors.ratios', undefined, positive, 'positive numbers');
  sizes.forEach((s, i) => {
    if (s.length !== sizes[0].length) throw new ConfigError(`anchors.sizes[${i}]`, 'every level needs the same number of sizes');
  });
  return { kind, strides, sizes, ratios, offset };
}

function validateConfig(v: unknown): ModelConfig {
  const o = field(v, 'config');
  const inp = field(o.input, 'input');
  const bb = field(o.backbone, 'backbone');
  const fpn = field(o.fpn, 'fpn');
  const rpn = field(o.rpn, 'rpn');
  const roi = field(o.roi, 'roi');
  const bh = field(o.boxHead, 'boxHead');
  const det = field(o.detection, 'detection');
  const mk = field(o.mask, 'mask');
  if (typeof o.name !== 'string') throw new ConfigError('name', 'expected a string');
  const padMultiple = num(inp, 'padMultiple', 'input', posInt, 'a positive integer');
  const input: InputConfig = {
    height: num(inp, 'height', 'input', (x) => posInt(x) && x % padMultiple === 0, `a positive multiple of padMultiple (${padMultiple})`),
    width: num(inp, 'width', 'input', (x) => posInt(x) && x % padMultiple === 0, `a positive multiple of padMultiple (${padMultiple})`),
    padMultiple,
    mean: triple(inp.mean, 'input.mean', any, 'numbers'),
    std: triple(inp.std, 'input.std', positive, 'positive numbers'),
    channelOrder: oneOf(inp, 'channelOrder', 'input', ['BGR', 'RGB'] as const),
    resizePolicy: oneOf(inp, 'resizePolicy', 'input', ['fit', 'window'] as const),
  };
  const widthDiv = num(bb, 'widthDiv', 'backbone', (x) => posInt(x) && 64 % x === 0, 'a positive divisor of 64');
  const backbone: BackboneConfig = {
    strideOn: oneOf(bb, 'strideOn', 'backbone', ['1x1', '3x3'] as const),
    blocks: quad(bb.blocks, 'backbone.blocks', posInt, 'positive integers'),
    widthDiv,
  };
  const anchors = validateAnchors(o.anchors);
  const roiStrides = numList(roi.strides, 'roi.strides', undefined, posInt, 'positive integers');
  const cfg: ModelConfig = {
    name: o.name,
    numClasses: num(o, 'numClasses', 'config', (x) => Number.isInteger(x) && x >= 2, 'an integer >= 2'),
    input,
    backbone,
    fpn: { channels: num(fpn, 'channels', 'fpn', posInt, 'a positive integer') },
    anchors,
    rpn: {
      preNmsTopNPerLevel: num(rpn, 'preNmsTopNPerLevel', 'rpn', posInt, 'a positive integer'),
      postNmsTopNPerLevel: num(rpn, 'postNmsTopNPerLevel', 'rpn', posInt, 'a positive integer'),
      postNmsTopN: num(rpn, 'postNmsTopN', 'rpn', posInt, 'a positive integer'),
      nmsThreshold: num(rpn, 'nmsThreshold', 'rpn', unit, 'a number in [0, 1]'),
      minSize: num(rpn, 'minSize', 'rpn', nonNeg, 'a non-negative number'),
      boxPlusOne: bool(rpn, 'boxPlusOne', 'rpn'),
      clampLogWh: num(rpn, 'clampLogWh', 'rpn', positive, 'a positive number'),
      deltaWeights: quad(rpn.deltaWeights, 'rpn.deltaWeights', positive, 'positive numbers'),
    },
    roi: {
      boxOutputSize: num(roi, 'boxOutputSize', 'roi', posInt, 'a positive integer'),
      maskOutputSize: num(roi, 'maskOutputSize', 'roi', posInt, 'a positive integer'),
      samplingRatio: num(roi, 'samplingRatio', 'roi', nonNegInt, 'a non-negative integer'),
      aligned: bool(roi, 'aligned', 'roi'),
      canonicalScale: num(roi, 'canonicalScale', 'roi', positive, 'a positive number'),
      canonicalLevel: num(roi, 'canonicalLevel', 'roi', nonNegInt, 'a non-negative integer'),
      areaMode: oneOf(roi, 'areaMode', 'roi', ['plusOne', 'plain'] as const),
      strides: roiStrides,
    },
    boxHead: { fcDim: num(bh, 'fcDim', 'boxHead', posInt, 'a positive integer') },
    detection: {
      scoreThreshold: num(det, 'scoreThreshold', 'detection', unit, 'a number in [0, 1]'),
      nmsThreshold: num(det, 'nmsThreshold', 'detection', unit, 'a number in [0, 1]'),
      maxDetections: num(det, 'maxDetections', 'detection', posInt, 'a positive integer'),
      postNmsPerClass: num(det, 'postNmsPerClass', 'detection', posInt, 'a positive integer'),
      deltaWeights: quad(det.deltaWeights, 'detection.deltaWeights', positive, 'positive numbers'),
      clampLogWh: num(det, 'clampLogWh', 'detection', positive, 'a positive number'),
      boxPlusOne: bool(det, 'boxPlusOne', 'detection'),
      minSize: num(det, 'minSize', 'detection', nonNeg, 'a non-negative number'),
      ordering: oneOf(det, 'ordering', 'detection', ['classMajor', 'score'] as const),
    },
    mask: {
      channels: num(mk, 'channels', 'mask', posInt, 'a positive integer'),
      convs: num(mk, 'convs', 'mask', posInt, 'a positive integer'),
    },
  };
  if (roiStrides.some((s) => !anchors.strides.includes(s))) {
    throw new ConfigError('roi.strides', 'every RoI level must be an FPN level (anchors.strides)');
  }
  if (anchors.strides.length !== roiStrides.length + 1) {
    throw new ConfigError('anchors.strides', 'the RPN reads the RoI levels plus one extra (P6)');
  }
  return cfg;
}

/** Number of anchors per location at every level. */
export function anchorsPerLocation(a: AnchorsConfig): number {
  return a.kind === 'table' ? a.widths[0].length : a.sizes[0].length * a.ratios.length;
}
