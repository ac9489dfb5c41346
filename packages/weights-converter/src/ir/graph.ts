/**
 * IR layers -> OpNode graph (structure/graph.ts): Convolution / ConvolutionBackpropData / MatMul
 * with constant weights become weight layers (PyTorch layouts: OIHW, [in,out,kh,kw], [out,in]);
 * a per-channel Add/Multiply right after one folds into its bias/weight (Model Optimizer keeps
 * biases as `Add`). Per-channel arithmetic between a Parameter and the first convolution is read
 * as the network's input normalization (mean/std).
 */
import { WeightsFormatError } from '../errors';
import { OpNode, ParamInfo, TensorRoute } from '../structure/graph';
import { perChannel, scaleParam, shiftParam } from '../structure/fold_affine';
import { transpose2d } from '../transform/layout';
import { NamedTensor } from '../types';
import { decodeConst, foldConstant } from './consts';
import { IrLayer, IrNet } from './xml';

/** Ops a Mask R-CNN IR may contain; anything else is refused as an unknown op. */
const KNOWN_OPS = new Set([
  'Parameter', 'Const', 'Result', 'Convert', 'Convolution', 'ConvolutionBackpropData', 'MatMul', 'Add', 'Subtract', 'Multiply',
  'Divide', 'Relu', 'ReLU', 'Sigmoid', 'SoftMax', 'Softmax', 'MaxPool', 'Interpolate', 'Reshape', 'Squeeze', 'Unsqueeze', 'Transpose',
  'Concat', 'Split', 'VariadicSplit', 'StridedSlice', 'Gather', 'ShapeOf', 'TopK', 'Clamp', 'Exp', 'Sqrt', 'Minimum', 'Maximum',
  'Broadcast', 'Tile', 'Range', 'Floor', 'Ceiling', 'Pad', 'ReduceMax', 'ReduceMin', 'ReduceSum', 'NonZero', 'Slice', 'Select', 'Greater', 'Less',
  'FakeQuantize', 'ExperimentalDetectronPriorGridGenerator', 'ExperimentalDetectronGenerateProposalsSingleImage',
  'ExperimentalDetectronTopKROIs', 'ExperimentalDetectronROIFeatureExtractor', 'ExperimentalDetectronDetectionOutput', 'ROIAlign',
]);

export interface IrGraph {
  nodes: OpNode[];
  /** Normalization found before a 3-channel convolution: x_net = (x - mean) / std. */
  input?: { mean: number[]; std: number[] };
}

interface Norm { mean: number[]; std: number[] }

function portOrder(a: string, b: string): number { return Number(a) - Number(b); }

export function buildIrGraph(net: IrNet, bin: Uint8Array, file: string): IrGraph {
  const byId = new Map(net.layers.map((l) => [l.id, l]));
  const opOf = (l: IrLayer): string => `${l.type} ${l.name} (id ${l.id})`;
  /** (toLayer, toPort) -> tensor id `${fromLayer}:${fromPort}`. */
  const source = new Map<string, string>();
  const consumers = new Map<string, number>();
  for (const e of net.edges) {
    const from = byId.get(e.fromLayer);
    const to = byId.get(e.toLayer);
    if (from === undefined || to === undefined) throw new WeightsFormatError(`edge ${e.fromLayer}:${e.fromPort} -> ${e.toLayer}:${e.toPort} names a missing layer`, { file });
    if (!from.outputs.some((p) => p.id === e.fromPort)) throw new WeightsFormatError(`edge from missing output port ${e.fromPort}`, { file, op: opOf(from) });
    if (!to.inputs.some((p) => p.id === e.toPort)) throw new WeightsFormatError(`edge to missing input port ${e.toPort}`, { file, op: opOf(to) });
    const key = `${e.toLayer}:${e.toPort}`;
    if (source.has(key)) throw new WeightsFormatError(`input port ${e.toPort} has two edges`, { file, op: opOf(to) });
    const t = `${e.fromLayer}:${e.fromPort}`;
    source.set(key, t);
    if (to.type !== 'ShapeOf') consumers.set(t, (consumers.get(t) ?? 0) + 1);
  }
  const inputsOf = (l: IrLayer): string[] => [...l.inputs].sort((a, b) => portOrder(a.id, b.id)).map((p) => {
    const s = source.get(`${l.id}:${p.id}`);
    if (s === undefined) throw new WeightsFormatError(`input port ${p.id} is not connected`, { file, op: opOf(l) });
    return s;
  });
  const order = topoLayers(net, inputsOf, file);
  const consts = new Map<string, NamedTensor>();
  const keys = new Map<string, string>();
  const routes = new Map<string, TensorRoute>();
  const norms = new Map<string, Norm>();
  const nodes: OpNode[] = [];
  const owner = new Map<string, number>();
  let input: IrGraph['input'];

  for (const l of order) {
    if (!KNOWN_OPS.has(l.type)) throw new WeightsFormatError(`unknown op type ${l.type}`, { file, op: opOf(l) });
    const ins = inputsOf(l);
    const outs = l.outputs.map((p) => `${l.id}:${p.id}`);
    if (l.type === 'Const') {
      const c = decodeConst(l, bin, file);
      consts.set(outs[0], c);
      keys.set(outs[0], `bin@${l.data.offset}+${l.data.size}:${l.data.element_type}`);
      routes.set(outs[0], { sources: [l.name], via: [] });
      continue;
    }
    if (l.type === 'Parameter') {
      outs.forEach((o) => norms.set(o, { mean: [0, 0, 0], std: [1, 1, 1] }));
      nodes.push({ id: l.name, type: l.type, inputs: [], outputs: outs });
      continue;
    }
    if (ins.length > 0 && ins.every((i) => consts.has(i))) {
      const folded = foldConstant(l, ins.map((i) => consts.get(i)!), file);
      if (folded !== undefined) {
        consts.set(outs[0], folded);
        keys.set(outs[0], `${l.type}(${ins.map((i) => keys.get(i)).join(',')})`);
        const rs = ins.map((i) => routes.get(i)!);
        const via = [l.type];
        for (const r of rs) for (const op of r.via) if (!via.includes(op)) via.push(op);
        routes.set(outs[0], { sources: [...new Set(rs.flatMap((r) => r.sources))], via });
        continue;
      }
    }
    const data = ins.filter((i) => !consts.has(i));
    const c = ins.find((i) => consts.has(i));
    const cst = c === undefined ? undefined : consts.get(c);
    const err = (msg: string): WeightsFormatError => new WeightsFormatError(msg, { file, op: opOf(l) });
    // Input normalization: per-channel arithmetic on a Parameter's output.
    const norm = data.length === 1 ? norms.get(data[0]) : undefined;
    if (norm !== undefined && l.type === 'FakeQuantize' && ins[0] === data[0]) {
      // INT8 IRs quantize the normalized input before the stem: the values keep their scale.
      norms.set(outs[0], norm);
      nodes.push({ id: l.name, type: l.type, inputs: data, outputs: outs });
      continue;
    }
    if (norm !== undefined && cst !== undefined && ins[0] === data[0] && (cst.data.length === 1 || cst.data.length === 3)) {
      const v = (ch: number): number => cst.data[cst.data.length === 1 ? 0 : ch];
      const next: Norm = { mean: [...norm.mean], std: [...norm.std] };
      for (let ch = 0; ch < 3; ch++) {
        if (l.type === 'Subtract') next.mean[ch] = norm.mean[ch] + v(ch) * norm.std[ch];
        else if (l.type === 'Add') next.mean[ch] = norm.mean[ch] - v(ch) * norm.std[ch];
        else if (l.type === 'Multiply') next.std[ch] = norm.std[ch] / v(ch);
        else if (l.type === 'Divide') next.std[ch] = norm.std[ch] * v(ch);
      }
      if (['Subtract', 'Add', 'Multiply', 'Divide'].includes(l.type)) {
        norms.set(outs[0], next);
        nodes.push({ id: l.name, type: l.type, inputs: data, outputs: outs });
        continue;
      }
    }
    let param: ParamInfo | undefined;
    if ((l.type === 'Convolution' || l.type === 'ConvolutionBackpropData') && cst !== undefined && ins[1] === c) {
      if (cst.shape.length !== 4) throw err(`weights have shape [${cst.shape}], rank 4 expected`);
      const strides = (l.data.strides ?? '').split(',').map(Number).filter((v) => Number.isFinite(v));
      param = {
        kind: l.type === 'Convolution' ? 'conv' : 'deconv', weight: cst, weightKey: keys.get(c!)!, routes: { weight: routes.get(c!)! },
        stride: strides.length > 0 ? Math.max(...strides) : undefined,
      };
      if (l.type === 'Convolution' && cst.shape[1] === 3 && data.length === 1 && norms.has(data[0])) input = norms.get(data[0]);
    } else if (l.type === 'MatMul' && cst !== undefined && ins[1] === c) {
      if (cst.shape.length !== 2) throw err(`MatMul weights have shape [${cst.shape}], rank 2 expected`);
      if (l.data.transpose_a === 'true') throw err('MatMul with transpose_a is not a fully connected layer');
      const w = cst.data as Float32Array;
      const weight = l.data.transpose_b === 'true' ? cst
        : { ...cst, shape: [cst.shape[1], cst.shape[0]], data: transpose2d(w, cst.shape[0], cst.shape[1]) };
      param = { kind: 'fc', weight, weightKey: keys.get(c!)!, routes: { weight: routes.get(c!)! } };
    } else if (l.type === 'Convolution' || l.type === 'ConvolutionBackpropData' || l.type === 'MatMul') {
      if (ins.slice(1).some((i) => !consts.has(i))) throw err('weights are not constant');
    }
    if (param !== undefined) {
      owner.set(outs[0], nodes.length);
      nodes.push({ id: l.name, type: l.type, inputs: [data[0]], outputs: outs, param });
      continue;
    }
    if ((l.type === 'Add' || l.type === 'Multiply') && data.length === 1 && cst !== undefined && owner.has(data[0]) && consumers.get(data[0]) === 1) {
      const li = owner.get(data[0])!;
      const layer = nodes[li];
      const s = perChannel(cst, layer.param!);
      if (s !== undefined) {
        const p = layer.param!;
        layer.param = { ...(l.type === 'Add' ? shiftParam(p, s) : scaleParam(p, s)), folded: [...(p.folded ?? []), { op: l.type, route: routes.get(c!) }] };
        layer.outputs = outs;
        owner.set(outs[0], li);
        continue;
      }
    }
    // ShapeOf reads its input's shape only: its output links no layers.
    nodes.push({ id: l.name, type: l.type, inputs: l.type === 'ShapeOf' ? [] : data, outputs: outs });
  }
  return { nodes, input };
}

function topoLayers(net: IrNet, inputsOf: (l: IrLayer) => string[], file: string): IrLayer[] {
  const indeg = new Map<string, number>();
  const next = new Map<string, string[]>();
  for (const l of net.layers) {
    if (indeg.has(l.id)) throw new WeightsFormatError(`two layers have id ${l.id}`, { file });
    indeg.set(l.id, 0);
  }
  for (const l of net.layers) {
    for (const t of inputsOf(l)) {
      const from = t.split(':')[0];
      indeg.set(l.id, indeg.get(l.id)! + 1);
      next.set(from, [...(next.get(from) ?? []), l.id]);
    }
  }
  const byId = new Map(net.layers.map((l) => [l.id, l]));
  const ready = net.layers.filter((l) => indeg.get(l.id) === 0).map((l) => l.id);
  const out: IrLayer[] = [];
  for (let i = 0; i < ready.length; i++) {
    out.push(byId.get(ready[i])!);
    for (const n of next.get(ready[i]) ?? []) {
      const d = indeg.get(n)! - 1;
      indeg.set(n, d);
      if (d === 0) ready.push(n);
    }
  }
  if (out.length !== net.layers.length) throw new WeightsFormatError('IR graph has a cycle', { file });
  return out;
}
