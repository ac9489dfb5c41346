/**
 * The constant values of an ONNX graph, resolved structurally: initializers, `Constant` nodes and the
 * outputs of nodes that compute from constants only (`Identity` of a deduplicated initializer, `Cast`,
 * `Reshape`, FrozenBatchNorm's Sqrt/Div/Mul/Sub chain, ... see const_ops.ts). Nothing is decoded up
 * front: a value is decoded or evaluated the first time a reader asks for it (then cached), so a
 * constant the weights do not need is never looked at, whatever its data type; one they need and
 * cannot be converted is refused by name. Each value knows its route: the stored tensors it comes
 * from and the ops between (for the conversion summary).
 */
import { WeightsFormatError } from '../errors';
import { TensorRoute } from '../structure/graph';
import { NamedTensor } from '../types';
import { evalConstOp, isConstFoldable } from './const_ops';
import { AttributeProto, GraphProto, NodeProto } from './schema';
import { decodeTensor, ExternalDataReader } from './tensor';

export type { TensorRoute };

interface Entry { route: TensorRoute; make: () => NamedTensor; value?: NamedTensor }

export class OnnxConstants {
  private readonly entries = new Map<string, Entry>();

  has(name: string): boolean { return name !== '' && this.entries.has(name); }

  route(name: string): TensorRoute {
    const e = this.entries.get(name);
    if (e === undefined) throw new Error(`not a constant: ${name}`);
    return e.route;
  }

  /** The value, decoded or evaluated on first use. */
  get(name: string): NamedTensor {
    const e = this.entries.get(name);
    if (e === undefined) throw new Error(`not a constant: ${name}`);
    e.value ??= e.make();
    return e.value;
  }

  set(name: string, route: TensorRoute, make: () => NamedTensor): void {
    this.entries.set(name, { route, make });
  }
}

function constantNodeValue(n: NodeProto, file: string, external: ExternalDataReader | undefined): () => NamedTensor {
  const name = n.output[0];
  const a: AttributeProto | undefined = n.attribute[0];
  return () => {
    if (a?.name === 'value' && a.t !== undefined && a.t !== null) return decodeTensor({ ...a.t, name }, file, external);
    if (a?.name === 'value_float') return { name, shape: [], dtype: 'float32', data: Float32Array.of(a.f) };
    if (a?.name === 'value_floats') return { name, shape: [a.floats.length], dtype: 'float32', data: Float32Array.from(a.floats) };
    if (a?.name === 'value_int') return { name, shape: [], dtype: 'int32', data: Int32Array.of(Number(a.i)) };
    if (a?.name === 'value_ints') return { name, shape: [a.ints.length], dtype: 'int32', data: Int32Array.from(a.ints.map(Number)) };
    throw new WeightsFormatError(`Constant ${a?.name ?? 'without a value'} cannot be converted to numbers`, { file, tensor: name });
  };
}

/** Nodes in dependency order (ONNX requires it; exporters comply, this tolerates files that do not). */
export function nodesInOrder(nodes: readonly NodeProto[], file: string): NodeProto[] {
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => n.output.forEach((o) => { if (o !== '') producer.set(o, i); }));
  const state = new Uint8Array(nodes.length);
  const out: NodeProto[] = [];
  for (let root = 0; root < nodes.length; root++) {
    if (state[root] !== 0) continue;
    const stack: [number, number][] = [[root, 0]];
    state[root] = 1;
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const n = nodes[top[0]];
      if (top[1] < n.input.length) {
        const p = producer.get(n.input[top[1]++]);
        if (p === undefined || p === top[0]) continue;
        if (state[p] === 1) throw new WeightsFormatError('graph has a cycle', { file, op: `${n.opType} ${n.name}` });
        if (state[p] === 0) { state[p] = 1; stack.push([p, 0]); }
      } else {
        state[top[0]] = 2;
        out.push(n);
        stack.pop();
      }
    }
  }
  return out;
}

export function collectConstants(g: GraphProto, nodes: readonly NodeProto[], file: string, external?: ExternalDataReader): OnnxConstants {
  const c = new OnnxConstants();
  for (const t of g.initializer) c.set(t.name, { sources: [t.name], via: [] }, () => decodeTensor(t, file, external));
  for (const n of nodes) {
    if (n.opType === 'Constant' && n.output.length === 1 && (n.domain === '' || n.domain === 'ai.onnx')) {
      c.set(n.output[0], { sources: [n.output[0]], via: [] }, constantNodeValue(n, file, external));
      continue;
    }
    const ins = n.input.filter((i) => i !== '');
    if ((n.domain !== '' && n.domain !== 'ai.onnx') || !isConstFoldable(n) || !ins.every((i) => c.has(i))) continue;
    const routes = ins.map((i) => c.route(i));
    const via = [n.opType];
    for (const r of routes) for (const op of r.via) if (!via.includes(op)) via.push(op);
    const sources = [...new Set(routes.flatMap((r) => r.sources))];
    c.set(n.output[0], { sources, via }, () => {
      const v = evalConstOp(n, n.input.map((i) => (i === '' ? undefined : c.get(i))) as NamedTensor[], file);
      if (v === undefined) throw new WeightsFormatError(`${n.opType} cannot be evaluated on these constants`, { file, tensor: n.output[0] });
      return v;
    });
  }
  return c;
}
