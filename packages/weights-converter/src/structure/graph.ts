/**
 * A format-neutral view of a network graph for structural weight matching: ops with data inputs
 * and outputs (tensor ids), some carrying weights in PyTorch layout. Readers (ONNX, OpenVINO IR)
 * build it; `parametricLayers` reduces it to the weight layers with their nearest weight-layer
 * producers ("upstream"), which is what the matcher reads.
 */
import { WeightsFormatError } from '../errors';
import { NamedTensor } from '../types';

export type ParamKind = 'conv' | 'deconv' | 'fc';

export interface BnTensors {
  gamma: NamedTensor; beta: NamedTensor; mean: NamedTensor; variance: NamedTensor;
}

/** How a tensor reached a layer in the file (for the conversion summary). */
export interface TensorRoute {
  /** Stored tensors (initializers, Const layers, Constant nodes) the value is computed from. */
  sources: string[];
  /** Op types between them and the layer, outermost first, each once; [] for a stored tensor. */
  via: string[];
}

export interface ParamInfo {
  kind: ParamKind;
  /** conv OIHW, deconv [in,out,kh,kw], fc [out,in]. */
  weight: NamedTensor;
  bias?: NamedTensor;
  /** An unfused BatchNorm right after the layer (ONNX exported in training mode). */
  bn?: BnTensors;
  /** Identity of the weight source: layers sharing weights (the RPN head) share the key. */
  weightKey: string;
  /** How the weight and bias reached the layer (absent: stored tensors used directly). */
  routes?: { weight: TensorRoute; bias?: TensorRoute };
  /** Convolution stride (the largest of its spatial strides) when the file says it. */
  stride?: number;
  /** Per-channel ops after the layer folded into it, in order (Mul, Add, BatchNormalization), with their constants' routes. */
  folded?: { op: string; route?: TensorRoute }[];
}

export interface OpNode {
  /** Layer/node name as the file has it (used in messages). */
  id: string;
  type: string;
  /** Data inputs only (constants and weights excluded). */
  inputs: string[];
  outputs: string[];
  param?: ParamInfo;
}

export interface GraphLayer extends ParamInfo {
  /** First node using these weights. */
  id: string;
  op: string;
  /** Ids of the nearest weight layers feeding this one's data input, sorted. */
  upstream: string[];
}

/** Orders nodes so that producers come first (Kahn); throws on cycles. */
export function topoSort(nodes: OpNode[], file: string): OpNode[] {
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => n.outputs.forEach((o) => producer.set(o, i)));
  const indeg = nodes.map(() => 0);
  const consumers: number[][] = nodes.map(() => []);
  nodes.forEach((n, i) => {
    for (const inp of n.inputs) {
      const p = producer.get(inp);
      if (p !== undefined && p !== i) { indeg[i]++; consumers[p].push(i); }
    }
  });
  const ready: number[] = [];
  indeg.forEach((d, i) => { if (d === 0) ready.push(i); });
  const out: OpNode[] = [];
  for (let head = 0; head < ready.length; head++) {
    const i = ready[head];
    out.push(nodes[i]);
    for (const c of consumers[i]) if (--indeg[c] === 0) ready.push(c);
  }
  if (out.length !== nodes.length) throw new WeightsFormatError('graph has a cycle', { file });
  return out;
}

/** Weight layers in topological order, deduplicated by weightKey, with their upstream layers. */
export function parametricLayers(nodes: OpNode[], file: string): GraphLayer[] {
  const producers = new Map<string, Set<string>>();
  const byKey = new Map<string, GraphLayer>();
  const order: GraphLayer[] = [];
  for (const n of topoSort(nodes, file)) {
    const up = new Set<string>();
    for (const inp of n.inputs) for (const p of producers.get(inp) ?? []) up.add(p);
    let outSet = up;
    if (n.param !== undefined) {
      let layer = byKey.get(n.param.weightKey);
      if (layer === undefined) {
        layer = { ...n.param, id: n.id, op: n.type, upstream: [] };
        byKey.set(n.param.weightKey, layer);
        order.push(layer);
      }
      layer.upstream = [...new Set([...layer.upstream, ...up])].sort();
      outSet = new Set([layer.id]);
    }
    for (const o of n.outputs) producers.set(o, outSet);
  }
  return order;
}
