/**
 * OpenVINO IR reader (v10/v11 `.xml` + `.bin`, FP32 / FP16 / compressed constants): weights named
 * by graph structure (structure/match.ts), never by the IR's (opaque) layer names. BN is already
 * fused into the convolutions by Model Optimizer, so the result holds conv weights with biases.
 */
import { parametricLayers } from '../structure/graph';
import { matchStructure, MatchResult } from '../structure/match';
import { matchToWeightMap } from '../structure/to_weights';
import { WeightMap } from '../types';
import { buildIrGraph } from './graph';
import { parseIrXml } from './xml';

export interface IrReadResult {
  weights: WeightMap;
  /** What the IR does to its input before the stem (mean/std), to become the model's preprocessing. */
  input: { mean?: number[]; std?: number[] };
  notes: string[];
  irVersion: number;
  /** The structural match (modules -> graph layers with their tensors' routes). */
  match: MatchResult;
}

export function readIr(xml: Uint8Array, bin: Uint8Array, file: string, binFile = file.replace(/\.xml$/i, '.bin')): IrReadResult {
  const net = parseIrXml(new TextDecoder().decode(xml), file);
  const g = buildIrGraph(net, bin, binFile);
  const layers = parametricLayers(g.nodes, file);
  const match = matchStructure(layers, file);
  const weights = matchToWeightMap(match, file, false);
  const notes = [`IR v${net.version} "${net.name}": ${layers.length} weight layers matched by structure`];
  const round = (v: number[]): number[] => v.map((x) => Number(Math.fround(x).toPrecision(7)));
  const mean = round(g.input?.mean ?? [0, 0, 0]);
  const std = round(g.input?.std ?? [1, 1, 1]);
  notes.push(g.input === undefined
    ? 'no normalization before the stem in the IR: model input mean 0, std 1 (any mean is folded into the first convolution)'
    : `input normalization from the IR: mean [${mean.join(', ')}], std [${std.join(', ')}]`);
  return { weights, match, input: { mean, std }, notes, irVersion: net.version };
}
