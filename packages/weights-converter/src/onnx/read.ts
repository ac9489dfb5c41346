/**
 * ONNX reader (opset 11+): initializers (and Constant nodes) decoded, weight layers named by graph
 * structure (torch.onnx renames folded initializers to `onnx::Conv_N`), checked against the
 * initializer names where those are canonical. Falls back to the initializer names alone when the
 * graph cannot be walked (e.g. weights-only ONNX files).
 */
import { ConverterError, WeightsFormatError } from '../errors';
import { parametricLayers } from '../structure/graph';
import { matchStructure } from '../structure/match';
import { matchToWeightMap } from '../structure/to_weights';
import { canonicalizeNames } from '../transform/to_tfjs';
import { layerKind, splitName } from '../transform/names';
import { NamedTensor, WeightMap } from '../types';
import { buildOnnxGraph } from './graph';
import { ModelProto, onnxModelType } from './schema';
import { decodeTensor } from './tensor';

export interface OnnxReadResult {
  weights: WeightMap;
  /** 'structure': named by the graph walk; 'names': by canonical initializer names. */
  mappedBy: 'structure' | 'names';
  opset: number;
  producer: string;
}

export function decodeModel(bytes: Uint8Array, file: string): ModelProto {
  const type = onnxModelType();
  try {
    const msg = type.decode(bytes);
    return type.toObject(msg, { longs: Number, defaults: true, arrays: true }) as ModelProto;
  } catch (e) {
    throw new WeightsFormatError(`not a readable ONNX model: ${(e as Error).message}`, { file });
  }
}

export function readOnnx(bytes: Uint8Array, file: string): OnnxReadResult {
  const model = decodeModel(bytes, file);
  const g = model.graph;
  if (g === undefined || g === null || (g.initializer.length === 0 && g.node.length === 0)) throw new WeightsFormatError('ONNX model has no graph', { file });
  const opset = model.opsetImport.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version ?? 0;
  if (opset !== 0 && opset < 11) throw new WeightsFormatError(`opset ${opset} is older than the supported 11`, { file });
  const consts = new Map<string, NamedTensor>();
  for (const t of g.initializer) consts.set(t.name, decodeTensor(t, file));
  for (const n of g.node) {
    const v = n.attribute.find((a) => a.name === 'value' && a.t !== undefined && a.t !== null);
    if (n.opType === 'Constant' && v?.t !== undefined && v.t !== null) consts.set(n.output[0], decodeTensor({ ...v.t, name: n.output[0] }, file));
  }
  const producer = `${model.producerName} ${model.producerVersion}`.trim();
  let structural: unknown;
  try {
    const layers = parametricLayers(buildOnnxGraph(g, consts, file), file);
    const weights = matchToWeightMap(matchStructure(layers, file), file, true);
    return { weights, mappedBy: 'structure', opset, producer };
  } catch (e) {
    if (!(e instanceof ConverterError)) throw e;
    structural = e;
  }
  // Names only: every canonical initializer (BN tensors included) as stored.
  const named: WeightMap = new Map();
  for (const t of g.initializer) {
    const c = consts.get(t.name)!;
    named.set(t.name, c);
  }
  const canon = canonicalizeNames(named);
  const weights: WeightMap = new Map();
  for (const [name, t] of canon) {
    const [mod] = splitName(name);
    if (layerKind(mod) !== undefined || /\.(bn\d|downsample\.1)$|^backbone\.body\.bn1$/.test(mod)) weights.set(name, t);
  }
  if (!weights.has('backbone.body.conv1.weight')) throw structural;
  return { weights, mappedBy: 'names', opset, producer };
}
