/** Validation: builds a fresh, exactly-typed ModelConfig from unknown input; throws ConfigError. */
import { ConfigError } from '../errors';
import { AnchorsConfig, BackboneConfig, InputConfig, ModelConfig, Quad, Triple } from './types';

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

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

export function validateConfig(v: unknown): ModelConfig {
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
  const transform = oneOf(inp, 'transform', 'input', ['card', 'torchvision'] as const);
  // The card pads to at least minSize x maxSize: they must be multiples of padMultiple.
  const size = transform === 'card'
    ? { check: (x: number) => posInt(x) && x % padMultiple === 0, what: `a positive multiple of padMultiple (${padMultiple})` }
    : { check: posInt, what: 'a positive integer' };
  const resizePolicy = oneOf(inp, 'resizePolicy', 'input', ['fit', 'window'] as const);
  if (transform === 'torchvision' && resizePolicy !== 'fit') {
    throw new ConfigError('input.resizePolicy', `the torchvision transform has one policy, 'fit' (its own rule), got ${JSON.stringify(resizePolicy)}`);
  }
  const input: InputConfig = {
    transform,
    minSize: num(inp, 'minSize', 'input', size.check, size.what),
    maxSize: num(inp, 'maxSize', 'input', size.check, size.what),
    padMultiple,
    mean: triple(inp.mean, 'input.mean', any, 'numbers'),
    std: triple(inp.std, 'input.std', positive, 'positive numbers'),
    channelOrder: oneOf(inp, 'channelOrder', 'input', ['BGR', 'RGB'] as const),
    resizePolicy,
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
      convs: num(rpn, 'convs', 'rpn', posInt, 'a positive integer'),
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
    boxHead: {
      convs: num(bh, 'convs', 'boxHead', nonNegInt, 'a non-negative integer'),
      convChannels: num(bh, 'convChannels', 'boxHead', posInt, 'a positive integer'),
      fcs: num(bh, 'fcs', 'boxHead', posInt, 'a positive integer'),
      fcDim: num(bh, 'fcDim', 'boxHead', posInt, 'a positive integer'),
    },
    detection: {
      scoreThreshold: num(det, 'scoreThreshold', 'detection', unit, 'a number in [0, 1]'),
      defaultScoreThreshold: num(det, 'defaultScoreThreshold', 'detection', unit, 'a number in [0, 1]'),
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
