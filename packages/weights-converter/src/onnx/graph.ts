/**
 * ONNX graph -> OpNode graph: Conv / ConvTranspose / Gemm / MatMul with constant weights become
 * weight layers; per-channel Mul/Add constants and BatchNormalization right after a weight layer
 * are folded into it (torch.onnx exports FrozenBatchNorm2d as Mul + Add and constant-folds the
 * conv+BN pair into renamed `onnx::Conv_N` initializers).
 */
import { WeightsFormatError } from '../errors';
import { OpNode, ParamInfo } from '../structure/graph';
import { batchNormParam, perChannel, scaleParam, shiftParam } from '../structure/fold_affine';
import { transpose2d } from '../transform/layout';
import { NamedTensor } from '../types';
import { AttributeProto, GraphProto, NodeProto } from './schema';

function attr(n: NodeProto, name: string): AttributeProto | undefined {
  return n.attribute.find((a) => a.name === name);
}

export function buildOnnxGraph(g: GraphProto, consts: Map<string, NamedTensor>, file: string): OpNode[] {
  const consumers = new Map<string, number>();
  for (const n of g.node) for (const i of n.input) consumers.set(i, (consumers.get(i) ?? 0) + 1);
  const weightUses = consumers;
  const nodes: OpNode[] = [];
  /** tensor -> index into nodes of the weight layer whose (folded) output it is. */
  const owner = new Map<string, number>();
  const float = (name: string | undefined): NamedTensor | undefined => {
    if (name === undefined || name === '') return undefined;
    const t = consts.get(name);
    return t !== undefined && t.data instanceof Float32Array ? t : undefined;
  };
  const dataInputs = (n: NodeProto): string[] => n.input.filter((i) => i !== '' && !consts.has(i));

  for (const n of g.node) {
    const id = n.name !== '' ? n.name : `${n.opType}:${n.output[0] ?? nodes.length}`;
    const err = (msg: string): WeightsFormatError => new WeightsFormatError(msg, { file, op: `${n.opType} ${id}` });
    let param: ParamInfo | undefined;
    const w = float(n.input[1]);
    if ((n.opType === 'Conv' || n.opType === 'ConvTranspose') && w !== undefined) {
      const group = attr(n, 'group')?.i ?? 1;
      if (Number(group) !== 1) throw err(`group ${group} convolutions are not part of this model`);
      if (w.shape.length !== 4) throw err(`weight ${w.name} has rank ${w.shape.length}, expected 4`);
      param = { kind: n.opType === 'Conv' ? 'conv' : 'deconv', weight: w, bias: float(n.input[2]), weightKey: w.name };
    } else if (n.opType === 'Gemm' && w !== undefined) {
      const alpha = attr(n, 'alpha')?.f ?? 1;
      const beta = attr(n, 'beta')?.f ?? 1;
      if (Number(attr(n, 'transA')?.i ?? 0) !== 0 || alpha !== 1 || beta !== 1) throw err('Gemm with transA/alpha/beta is not a plain FC');
      const transB = Number(attr(n, 'transB')?.i ?? 0) === 1;
      const weight = transB ? w : { ...w, shape: [w.shape[1], w.shape[0]], data: transpose2d(w.data as Float32Array, w.shape[0], w.shape[1]) };
      param = { kind: 'fc', weight, bias: float(n.input[2]), weightKey: w.name };
    } else if (n.opType === 'MatMul' && w !== undefined && w.shape.length === 2) {
      const weight = { ...w, shape: [w.shape[1], w.shape[0]], data: transpose2d(w.data as Float32Array, w.shape[0], w.shape[1]) };
      param = { kind: 'fc', weight, weightKey: w.name };
    }
    if (param !== undefined) {
      owner.set(n.output[0], nodes.length);
      nodes.push({ id, type: n.opType, inputs: [n.input[0]], outputs: [...n.output], param });
      continue;
    }
    // Affine after a weight layer whose output feeds only this node: fold.
    const data = dataInputs(n);
    if (data.length === 1 && owner.has(data[0]) && consumers.get(data[0]) === 1) {
      const li = owner.get(data[0])!;
      const layer = nodes[li];
      const p = layer.param!;
      const c = float(n.input.find((i) => consts.has(i)));
      let folded: ParamInfo | undefined;
      if ((weightUses.get(p.weightKey) ?? 0) <= 1) {
        if (n.opType === 'Mul' && c !== undefined) { const s = perChannel(c, p); if (s) folded = scaleParam(p, s); }
        if (n.opType === 'Add' && c !== undefined) { const s = perChannel(c, p); if (s) folded = shiftParam(p, s); }
        if (n.opType === 'BatchNormalization') {
          const [gm, bt, mn, vr] = [1, 2, 3, 4].map((k) => float(n.input[k]));
          if (gm && bt && mn && vr) {
            folded = batchNormParam(p, gm.data as Float32Array, bt.data as Float32Array, mn.data as Float32Array, vr.data as Float32Array, attr(n, 'epsilon')?.f ?? 1e-5);
          }
        }
      }
      if (folded !== undefined) {
        layer.param = folded;
        layer.outputs = [n.output[0]];
        owner.set(n.output[0], li);
        continue;
      }
    }
    nodes.push({ id, type: n.opType, inputs: data, outputs: [...n.output] });
  }
  return nodes;
}
