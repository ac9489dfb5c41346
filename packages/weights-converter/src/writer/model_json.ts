/**
 * tfjs model artifacts for a weight map: `model.json` (weightsManifest; in `userDefinedMetadata`
 * the schema version and the architecture config as @mrcnn/schema's `modelMetadata` lays them out,
 * labels in `labels`, provenance in `converter`) and its shards.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { modelMetadata, ModelConfig } from '@mrcnn/schema';
import { WeightMap } from '../types';
import { encodeTensor, Quantization } from './quantize';
import { MAX_SHARD_BYTES, packShards, Shard } from './shards';

export const GENERATED_BY = '@mrcnn/weights-converter 0.1.0';

export interface ArtifactOptions {
  config: ModelConfig;
  labels?: readonly string[];
  quantize?: Quantization;
  maxShardBytes?: number;
  /** Free-form facts about the conversion (source file, format) stored in userDefinedMetadata.converter. */
  provenance?: Record<string, unknown>;
  onTensor?: (done: number, total: number, name: string) => void;
}

export interface Artifacts {
  modelJson: Record<string, unknown>;
  shards: Shard[];
  weightBytes: number;
}

export function buildArtifacts(weights: WeightMap, opts: ArtifactOptions): Artifacts {
  const specs: tf.io.WeightsManifestEntry[] = [];
  const parts: Uint8Array[] = [];
  let i = 0;
  for (const t of weights.values()) {
    const enc = encodeTensor(t, opts.quantize);
    specs.push(enc.spec);
    parts.push(enc.bytes);
    opts.onTensor?.(++i, weights.size, t.name);
  }
  const shards = packShards(parts, opts.maxShardBytes ?? MAX_SHARD_BYTES);
  const meta: Record<string, unknown> = { ...modelMetadata(opts.config) };
  if (opts.labels !== undefined) meta.labels = [...opts.labels];
  if (opts.provenance !== undefined) meta.converter = { ...opts.provenance, quantize: opts.quantize ?? 'none' };
  const modelJson: Record<string, unknown> = {
    format: 'mrcnn-weights',
    generatedBy: GENERATED_BY,
    convertedBy: GENERATED_BY,
    weightsManifest: [{ paths: shards.map((s) => s.path), weights: specs }],
    userDefinedMetadata: meta,
  };
  return { modelJson, shards, weightBytes: parts.reduce((a, p) => a + p.byteLength, 0) };
}
