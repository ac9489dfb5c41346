/**
 * PyTorch state dict (canonical or torchvision >= 0.13 names) -> tfjs weight map
 * (docs/CONVENTIONS.md §3): BN folded, OIHW -> HWIO, ConvTranspose -> [kh,kw,out,in],
 * FC -> [in,out], fc6 rows in (7,7,C) order.
 */
import { MissingTensorError, ShapeMismatchError, WeightsFormatError } from '../errors';
import { NamedTensor, WeightMap, numElements } from '../types';
import { foldBatchNorm } from './bn_fold';
import { fc6ToTfjs, iohwToHwoi, oihwToHwio, transpose2d } from './layout';
import {
  BN_FIELDS, bnOfConv, boxHeadFcNames, canonicalName, convOfBn, isIgnoredName, layerKind, splitName, stripCommonPrefix,
} from './names';

export interface TransformOptions {
  /** BatchNorm epsilon (FrozenBatchNorm2d of 0049 and torchvision: 1e-5). */
  bnEps?: number;
  /** RoI resolution of the box head input (fc6 input = C x R x R). */
  roiResolution?: number;
  /** What to do with names outside the canonical set: throw (default), drop or keep unchanged. */
  unknown?: 'error' | 'drop' | 'keep';
}

export const DEFAULT_BN_EPS = 1e-5;

/** Renames to canonical names, drops BN counters, rejects duplicates. Layouts are untouched. */
export function canonicalizeNames(stateDict: WeightMap): WeightMap {
  const names = [...stateDict.keys()];
  const prefix = stripCommonPrefix(names);
  const fcs = boxHeadFcNames(names.map((n) => n.slice(prefix.length)));
  const out: WeightMap = new Map();
  for (const t of stateDict.values()) {
    const bare = t.name.slice(prefix.length);
    if (isIgnoredName(bare)) continue;
    const name = fcs.get(bare) ?? canonicalName(bare);
    if (out.has(name)) throw new WeightsFormatError(`two tensors map to the same canonical name ${name}`, { tensor: t.name });
    out.set(name, { ...t, name });
  }
  return out;
}

function floatData(t: NamedTensor): Float32Array {
  if (!(t.data instanceof Float32Array)) throw new WeightsFormatError(`expected float32 data, got ${t.dtype}`, { tensor: t.name });
  return t.data;
}

function requireTensor(map: WeightMap, name: string): NamedTensor {
  const t = map.get(name);
  if (t === undefined) throw new MissingTensorError('required tensor is missing', { tensor: name });
  return t;
}

function expectShape(t: NamedTensor, shape: number[]): void {
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new ShapeMismatchError(`shape [${t.shape.join(',')}], expected [${shape.join(',')}]`, { tensor: t.name });
  }
}

function expectRank(t: NamedTensor, rank: number): void {
  if (t.shape.length !== rank) {
    throw new ShapeMismatchError(`rank ${t.shape.length} (shape [${t.shape.join(',')}]), expected rank ${rank}`, { tensor: t.name });
  }
  if (numElements(t.shape) !== t.data.length) {
    throw new ShapeMismatchError(`shape [${t.shape.join(',')}] does not match ${t.data.length} elements`, { tensor: t.name });
  }
}

/** Folds every BN into its conv; returns canonical OIHW weights with biases and no BN entries. */
export function foldAllBatchNorms(canon: WeightMap, eps: number): WeightMap {
  const out: WeightMap = new Map();
  for (const t of canon.values()) {
    const [mod, field] = splitName(t.name);
    const conv = convOfBn(mod);
    if (conv !== undefined) {
      if (!canon.has(`${conv}.weight`)) throw new MissingTensorError(`batch norm ${mod} has no conv`, { tensor: `${conv}.weight` });
      continue;
    }
    const bn = bnOfConv(mod);
    if (bn === undefined || field === 'bias') {
      if (bn === undefined) out.set(t.name, t);
      continue;
    }
    expectRank(t, 4);
    const outC = t.shape[0];
    const convBias = canon.get(`${mod}.bias`);
    if (convBias !== undefined) expectShape(convBias, [outC]);
    if (!canon.has(`${bn}.weight`) && convBias !== undefined) {
      // Already folded (e.g. OpenVINO IR): keep the conv as it is.
      out.set(t.name, t);
      out.set(convBias.name, convBias);
      continue;
    }
    const p = BN_FIELDS.map((f) => {
      const b = requireTensor(canon, `${bn}.${f}`);
      expectShape(b, [outC]);
      return floatData(b);
    });
    const folded = foldBatchNorm(floatData(t), convBias === undefined ? undefined : floatData(convBias),
      { gamma: p[0], beta: p[1], mean: p[2], variance: p[3] }, eps);
    out.set(t.name, { name: t.name, shape: [...t.shape], dtype: 'float32', data: folded.weight });
    out.set(`${mod}.bias`, { name: `${mod}.bias`, shape: [outC], dtype: 'float32', data: folded.bias });
  }
  return out;
}

function convertWeight(t: NamedTensor, mod: string, fc6Channels: number | undefined, res: number): NamedTensor {
  const kind = layerKind(mod);
  const src = floatData(t);
  switch (kind) {
    case 'conv': {
      expectRank(t, 4);
      const [o, i, h, w] = t.shape;
      return { name: t.name, shape: [h, w, i, o], dtype: 'float32', data: oihwToHwio(src, o, i, h, w) };
    }
    case 'deconv': {
      expectRank(t, 4);
      const [i, o, h, w] = t.shape;
      return { name: t.name, shape: [h, w, o, i], dtype: 'float32', data: iohwToHwoi(src, i, o, h, w) };
    }
    case 'fc': {
      expectRank(t, 2);
      const [o, i] = t.shape;
      return { name: t.name, shape: [i, o], dtype: 'float32', data: transpose2d(src, o, i) };
    }
    case 'fc6': {
      expectRank(t, 2);
      const [o, i] = t.shape;
      const c = i / (res * res);
      if (!Number.isInteger(c) || (fc6Channels !== undefined && c !== fc6Channels)) {
        throw new ShapeMismatchError(`input size ${i} is not ${fc6Channels ?? 'C'} x ${res} x ${res}`, { tensor: t.name });
      }
      return { name: t.name, shape: [i, o], dtype: 'float32', data: fc6ToTfjs(src, o, c, res) };
    }
    default:
      throw new WeightsFormatError('not a known layer weight', { tensor: t.name });
  }
}

/** The transform of docs/CONVENTIONS.md §3. Input tensors are not modified. */
export function toTfjsWeightMap(stateDict: WeightMap, opts: TransformOptions = {}): WeightMap {
  const eps = opts.bnEps ?? DEFAULT_BN_EPS;
  const res = opts.roiResolution ?? 7;
  const unknown = opts.unknown ?? 'error';
  const folded = foldAllBatchNorms(canonicalizeNames(stateDict), eps);
  // fc6 reads the flattened RoI features: of the last box head conv (torchvision v2), else of the FPN.
  let boxConvs = 0;
  while (folded.has(`roi_heads.box_head.conv${boxConvs + 1}.weight`)) boxConvs++;
  const fc6Input = folded.get(boxConvs > 0 ? `roi_heads.box_head.conv${boxConvs}.weight` : 'backbone.fpn.inner_blocks.0.weight');
  const fc6Channels = fc6Input === undefined ? undefined : fc6Input.shape[0];
  const out: WeightMap = new Map();
  for (const t of folded.values()) {
    const [mod, field] = splitName(t.name);
    const kind = layerKind(mod);
    if (kind === undefined || (field !== 'weight' && field !== 'bias')) {
      if (unknown === 'error') throw new WeightsFormatError('unknown tensor name (not in docs/CONVENTIONS.md §2)', { tensor: t.name });
      if (unknown === 'keep') out.set(t.name, t);
      continue;
    }
    if (field === 'bias') {
      const w = requireTensor(folded, `${mod}.weight`);
      const outC = kind === 'deconv' ? w.shape[1] : w.shape[0];
      expectShape(t, [outC]);
      out.set(t.name, { name: t.name, shape: [outC], dtype: 'float32', data: Float32Array.from(floatData(t)) });
      continue;
    }
    out.set(t.name, convertWeight(t, mod, fc6Channels, res));
  }
  return out;
}
