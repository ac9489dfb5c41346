/**
 * ONNX graph -> OpNode graph (structure/graph.ts): Conv / ConvTranspose / Gemm / MatMul whose weight is
 * a constant value (an initializer, or one reached through Identity / Cast / Reshape / Constant and the
 * other ops of const_ops.ts) become weight layers; per-channel Mul / Add constants and
 * BatchNormalization right after a weight layer are folded into it (torch.onnx exports
 * FrozenBatchNorm2d as Mul + Add, constant-folds conv+BN into renamed `onnx::Conv_N` initializers,
 * or, without constant folding, computes the Mul/Add constants by a Sqrt/Div/Sub/Reshape subgraph).
 * `Shape` / `Size` carry no values of their input: their outputs (and the dynamic-shape subgraphs
 * built on them) feed nothing upstream, so they do not link layers.
 */
import { WeightsFormatError } from '../errors';
import { OpNode, ParamInfo, TensorRoute } from '../structure/graph';
import { batchNormParam, perChannel, scaleParam, shiftParam } from '../structure/fold_affine';
import { transpose2d } from '../transform/layout';
import { NamedTensor } from '../types';
import { OnnxConstants } from './values';
import { AttributeProto, NodeProto } from './schema';

/** Ops whose output depends on their input's shape only. */
const SHAPE_ONLY = new Set(['Shape', 'Size']);

function attr(n: NodeProto, name: string): AttributeProto | undefined {
  return n.attribute.find((a) => a.name === name);
}

export function buildOnnxGraph(nodesInOrder: readonly NodeProto[], consts: OnnxConstants, file: string): OpNode[] {
  /** Value uses per tensor (shape-only uses excluded). */
  const consumers = new Map<string, number>();
  for (const n of nodesInOrder) {
    if (SHAPE_ONLY.has(n.opType)) continue;
    for (const i of n.input) consumers.set(i, (consumers.get(i) ?? 0) + 1);
  }
  const nodes: OpNode[] = [];
  /** tensor -> index into nodes of the weight layer whose (folded) output it is. */
  const owner = new Map<string, number>();
  const isData = (i: string): boolean => i !== '' && !consts.has(i);

  for (const n of nodesInOrder) {
    if (n.output.length > 0 && consts.has(n.output[0])) continue; // evaluated as a constant
    const id = n.name !== '' ? n.name : `${n.opType}:${n.output[0] ?? nodes.length}`;
    const err = (msg: string, tensor?: string): WeightsFormatError => new WeightsFormatError(msg, { file, op: `${n.opType} ${id}`, tensor });
    /** A constant input as float32 (a weight must be floating point). */
    const float = (name: string | undefined): NamedTensor | undefined => {
      if (name === undefined || !consts.has(name)) return undefined;
      const t = consts.get(name);
      if (!(t.data instanceof Float32Array)) throw err(`input ${name} holds ${t.dtype} values, a weight must be floating point`, name);
      return t;
    };
    const route = (name: string): TensorRoute => consts.route(name);
    let param: ParamInfo | undefined;
    const wName = n.input[1];
    const isLayer = ['Conv', 'ConvTranspose', 'Gemm', 'MatMul'].includes(n.opType) && wName !== undefined && consts.has(wName) && isData(n.input[0]);
    if (isLayer) {
      const w = float(wName)!;
      const bName = n.input[2] !== undefined && consts.has(n.input[2]) ? n.input[2] : undefined;
      const routes = { weight: route(wName), bias: bName === undefined ? undefined : route(bName) };
      if (n.opType === 'Conv' || n.opType === 'ConvTranspose') {
        const group = attr(n, 'group')?.i ?? 1;
        if (Number(group) !== 1) throw err(`group ${group} convolutions are not part of this model`);
        if (w.shape.length !== 4) throw err(`weight ${w.name} has rank ${w.shape.length}, expected 4`, w.name);
        const strides = attr(n, 'strides')?.ints.map(Number) ?? [];
        const stride = strides.length > 0 ? Math.max(...strides) : 1;
        param = { kind: n.opType === 'Conv' ? 'conv' : 'deconv', weight: w, bias: float(bName), weightKey: wName, routes, stride };
      } else if (n.opType === 'Gemm') {
        const alpha = attr(n, 'alpha')?.f ?? 1;
        const beta = attr(n, 'beta')?.f ?? 1;
        if (Number(attr(n, 'transA')?.i ?? 0) !== 0 || alpha !== 1 || beta !== 1) throw err('Gemm with transA/alpha/beta is not a plain FC');
        if (w.shape.length !== 2) throw err(`weight ${w.name} has rank ${w.shape.length}, expected 2`, w.name);
        const transB = Number(attr(n, 'transB')?.i ?? 0) === 1;
        const weight = transB ? w : { ...w, shape: [w.shape[1], w.shape[0]], data: transpose2d(w.data as Float32Array, w.shape[0], w.shape[1]) };
        param = { kind: 'fc', weight, bias: float(bName), weightKey: wName, routes };
      } else if (w.shape.length === 2) {
        const weight = { ...w, shape: [w.shape[1], w.shape[0]], data: transpose2d(w.data as Float32Array, w.shape[0], w.shape[1]) };
        param = { kind: 'fc', weight, weightKey: wName, routes: { weight: routes.weight } };
      }
    }
    if (param !== undefined) {
      owner.set(n.output[0], nodes.length);
      nodes.push({ id, type: n.opType, inputs: [n.input[0]], outputs: [...n.output], param });
      continue;
    }
    const data = SHAPE_ONLY.has(n.opType) ? [] : n.input.filter(isData);
    // Affine after a weight layer whose output feeds only this node (shape reads aside): fold.
    if (data.length === 1 && owner.has(data[0]) && consumers.get(data[0]) === 1 && n.output.length >= 1) {
      const li = owner.get(data[0])!;
      const layer = nodes[li];
      const p = layer.param!;
      const cName = n.input.find((i) => i !== data[0] && consts.has(i));
      let folded: ParamInfo | undefined;
      if ((consumers.get(p.weightKey) ?? 0) <= 1) {
        if ((n.opType === 'Mul' || n.opType === 'Add') && cName !== undefined && n.input.length === 2) {
          const c = float(cName)!;
          const s = perChannel(c, p);
          if (s) folded = n.opType === 'Mul' ? scaleParam(p, s) : shiftParam(p, s);
        }
        if (n.opType === 'BatchNormalization' && n.input[0] === data[0]) {
          const [gm, bt, mn, vr] = [1, 2, 3, 4].map((k) => float(n.input[k]));
          if (gm && bt && mn && vr) {
            folded = batchNormParam(p, gm.data as Float32Array, bt.data as Float32Array, mn.data as Float32Array, vr.data as Float32Array, attr(n, 'epsilon')?.f ?? 1e-5);
          }
        }
      }
      if (folded !== undefined) {
        const r = cName === undefined ? undefined : consts.route(cName);
        layer.param = { ...folded, folded: [...(p.folded ?? []), { op: n.opType, route: r }] };
        layer.outputs = [n.output[0]];
        owner.set(n.output[0], li);
        continue;
      }
    }
    nodes.push({ id, type: n.opType, inputs: data, outputs: [...n.output] });
  }
  return nodes;
}
