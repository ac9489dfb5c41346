/**
 * ONNX reader (opsets 11..17 as torch.onnx writes them, and older/newer files that use the same
 * ops): constant values resolved structurally (values.ts; decoded lazily, so constants the weights
 * do not need are never decoded), weight layers named by graph structure (structure/match.ts:
 * torch.onnx renames folded initializers to `onnx::Conv_N`), checked against the initializer names
 * where those are canonical. A file without weight-layer nodes (weights only) is read by its
 * canonical initializer names instead.
 */
import { WeightsFormatError } from '../errors';
import { parametricLayers } from '../structure/graph';
import { matchStructure, MatchResult } from '../structure/match';
import { matchToWeightMap } from '../structure/to_weights';
import { canonicalizeNames } from '../transform/to_tfjs';
import { canonicalName, layerKind, splitName, stripCommonPrefix } from '../transform/names';
import { WeightMap } from '../types';
import { buildOnnxGraph } from './graph';
import { ModelProto, onnxModelType } from './schema';
import { ExternalDataReader } from './tensor';
import { collectConstants, nodesInOrder } from './values';

export interface OnnxReadResult {
  weights: WeightMap;
  /** 'structure': named by the graph walk; 'names': by canonical initializer names. */
  mappedBy: 'structure' | 'names';
  /** The structural match (modules -> graph layers with their tensors' routes); absent when mapped by names. */
  match?: MatchResult;
  opset: number;
  producer: string;
}

export interface OnnxReadOptions {
  /** Reads external data files named by tensors (convert() passes one confined to the model's directory). */
  externalData?: ExternalDataReader;
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

const WEIGHT_OPS = new Set(['Conv', 'ConvTranspose', 'Gemm', 'MatMul']);

export function readOnnx(bytes: Uint8Array, file: string, opts: OnnxReadOptions = {}): OnnxReadResult {
  const model = decodeModel(bytes, file);
  const g = model.graph;
  if (g === undefined || g === null || (g.initializer.length === 0 && g.node.length === 0)) throw new WeightsFormatError('ONNX model has no graph', { file });
  const opset = model.opsetImport.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version ?? 0;
  if (opset !== 0 && opset < 11) throw new WeightsFormatError(`opset ${opset} is older than the supported 11`, { file });
  const producer = `${model.producerName} ${model.producerVersion}`.trim();
  const nodes = nodesInOrder(g.node, file);
  const consts = collectConstants(g, nodes, file, opts.externalData);
  if (nodes.some((n) => WEIGHT_OPS.has(n.opType))) {
    const layers = parametricLayers(buildOnnxGraph(nodes, consts, file), file);
    const match = matchStructure(layers, file);
    return { weights: matchToWeightMap(match, file, true), mappedBy: 'structure', match, opset, producer };
  }
  // Weights only: every initializer with a canonical weight or BN name, as stored.
  const named: WeightMap = new Map();
  const prefix = stripCommonPrefix(g.initializer.map((t) => t.name));
  for (const t of g.initializer) {
    const [mod] = splitName(canonicalName(t.name.slice(prefix.length)));
    if (layerKind(mod) !== undefined || /\.(bn\d|downsample\.1)$|^backbone\.body\.bn1$/.test(mod)) named.set(t.name, consts.get(t.name));
  }
  const weights = canonicalizeNames(named);
  if (!weights.has('backbone.body.conv1.weight')) {
    throw new WeightsFormatError('the graph has no Conv/Gemm/MatMul nodes and no initializer named like a Mask R-CNN weight (e.g. backbone.body.conv1.weight)', { file });
  }
  return { weights, mappedBy: 'names', opset, producer };
}
