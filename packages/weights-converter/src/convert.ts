/**
 * `convert(input, outDir, opts)`: any supported weights file -> tfjs model directory
 * (model.json + ≤ 4 MB shards). Everything is read, transformed and checked in memory first;
 * the directory is written at the end through a temp directory and a rename (no partial output).
 */
import * as fs from 'fs';
import * as path from 'path';
import { resolveConfig } from '@mrcnn/schema';
import { configFor, InputOverrides, withInput } from './config/from_arch';
import { ShapeMismatchError, withFile, WeightsFormatError } from './errors';
import { externalDataReader } from './io/external_data';
import { detectFormat, InputFormat } from './io/format';
import { Progress, readInputFile } from './io/read_input';
import { readIr } from './ir/read';
import { readOnnx } from './onnx/read';
import { readPth } from './readers/pth';
import { changeInput } from './transform/input_fold';
import { checkComplete } from './transform/required';
import { detectArchitecture, Arch } from './transform/detect';
import { canonicalizeNames, toTfjsWeightMap } from './transform/to_tfjs';
import { LayerReport, reportFromMatch, reportFromNames } from './structure/report';
import { WeightMap } from './types';
import { writeDirAtomically } from './writer/atomic_dir';
import { buildArtifacts } from './writer/model_json';
import { Quantization } from './writer/quantize';

export interface ConvertOptions {
  quantize?: Quantization;
  labels?: string[];
  onProgress?: Progress;
  /** Replace a non-empty output directory (default: refuse). */
  overwrite?: boolean;
  /** Shard size limit in bytes (default 4 MiB). */
  maxShardBytes?: number;
  /** Make the network take this channel order (the stem's input channels are reversed when it differs). */
  channelOrder?: 'BGR' | 'RGB';
  /** Fold the input std into the stem's weights (the model then divides by 1). */
  foldStd?: boolean;
  /** The model's name stored in its config (default: the architecture's, e.g. instance-segmentation-security-0049). */
  name?: string;
  /** The model's default detect() score threshold, stored in its config (default: the architecture's, 0.5). */
  defaultScoreThreshold?: number;
}

export interface ConvertSummary {
  input: string;
  format: InputFormat;
  outDir: string;
  arch: Arch;
  numClasses: number;
  widthDiv: number;
  tensors: number;
  params: number;
  /** Bytes of weight data written (after quantization). */
  bytes: number;
  shards: number;
  quantize: Quantization | 'none';
  /** ONNX: how layers were named ('structure' or 'names'); IR: 'structure'; .pth: 'names'. */
  mappedBy: 'structure' | 'names';
  /** Which layers were matched how (structure or names, tensor routes, folds); `formatLayerReport` makes it one line. */
  layers: LayerReport;
  /** Notes about what the source graph said (e.g. the mean found in an IR). */
  notes: string[];
}

interface SourceWeights {
  weights: WeightMap;
  mappedBy: 'structure' | 'names';
  layers: LayerReport;
  /** Where the graph puts the stages' stride (graphs only). */
  strideOn?: '1x1' | '3x3';
  input: InputOverrides;
  notes: string[];
}

function irBinPath(xml: string): string {
  return xml.replace(/\.xml(\.gz)?$/i, '.bin$1');
}

function readSource(input: string, format: InputFormat, bytes: Uint8Array, onProgress?: Progress): SourceWeights {
  switch (format) {
    case 'pth':
      const weights = readPth(bytes, input);
      return { weights, mappedBy: 'names', layers: reportFromNames(canonicalizeNames(weights)), input: {}, notes: [] };
    case 'onnx': {
      const r = readOnnx(bytes, input, { externalData: externalDataReader(input, onProgress) });
      const layers = r.match !== undefined ? reportFromMatch(r.match) : reportFromNames(r.weights);
      return { weights: r.weights, mappedBy: r.mappedBy, layers, strideOn: r.match?.strideOn, input: {}, notes: [`ONNX opset ${r.opset} from ${r.producer || 'unknown producer'}`] };
    }
    case 'ir': {
      const binFile = irBinPath(input);
      if (!fs.existsSync(binFile)) throw new WeightsFormatError(`the IR's weights file ${path.basename(binFile)} is missing`, { file: input });
      const bin = readInputFile(binFile, onProgress);
      const r = readIr(bytes, bin, input, binFile);
      return { weights: r.weights, mappedBy: 'structure', layers: reportFromMatch(r.match), strideOn: r.match.strideOn, input: r.input, notes: r.notes };
    }
    default:
      throw new WeightsFormatError(`unsupported format ${String(format)}`, { file: input });
  }
}

export async function convert(input: string, outDir: string, opts: ConvertOptions = {}): Promise<ConvertSummary> {
  const progress = opts.onProgress;
  const bytes = readInputFile(input, progress);
  const format = detectFormat(input, bytes.subarray(0, 512));
  let src: SourceWeights;
  let tfjs: WeightMap;
  let info;
  try {
    src = readSource(input, format, bytes, progress);
    info = detectArchitecture(src.weights);
    tfjs = toTfjsWeightMap(src.weights, { roiResolution: info.roiResolution });
    checkComplete(tfjs, info);
  } catch (e) {
    throw withFile(e, input);
  }
  let config = configFor(info, src.input);
  if (src.strideOn !== undefined && src.strideOn !== config.backbone.strideOn) {
    // e.g. maskrcnn-benchmark's R-50-FPN (ONNX Model Zoo MaskRCNN-10): a 256-wide mask head reads as
    // torchvision's, but its stride sits on the 1x1 conv (Detectron) and its anchors are its own.
    throw new ShapeMismatchError(`the graph puts each stage's stride on the ${src.strideOn} conv of its first block, the ${config.name} architecture these weights look like (${info.arch}: mask head ${info.maskHeadChannels} wide, ${info.numClasses} classes) has it on the ${config.backbone.strideOn} conv: no known architecture computes what this file does`, { file: input, tensor: 'backbone.body.layer2.0.conv1.weight' });
  }
  if (opts.channelOrder !== undefined || opts.foldStd === true) {
    const changed = changeInput(tfjs, config.input, { channelOrder: opts.channelOrder, foldStd: opts.foldStd });
    tfjs = changed.weights;
    config = withInput(config, changed.input);
    src.notes.push(`input: ${changed.input.channelOrder}, mean [${changed.input.mean.join(', ')}], std [${changed.input.std.join(', ')}]`);
  }
  if (opts.name !== undefined || opts.defaultScoreThreshold !== undefined) {
    config = resolveConfig({ name: opts.name, detection: { defaultScoreThreshold: opts.defaultScoreThreshold } }, config);
  }
  if (opts.labels !== undefined && opts.labels.length !== info.numClasses && opts.labels.length !== info.numClasses - 1) {
    throw new WeightsFormatError(`${opts.labels.length} labels given, the weights have ${info.numClasses} classes: give ${info.numClasses} (background first) or ${info.numClasses - 1}`, { file: input });
  }
  const art = buildArtifacts(tfjs, {
    config, labels: opts.labels, quantize: opts.quantize, maxShardBytes: opts.maxShardBytes,
    provenance: { source: path.basename(input), format, arch: info.arch, mappedBy: src.mappedBy },
    onTensor: progress === undefined ? undefined : (d, t, n) => progress(d, t, `encode ${n}`),
  });
  writeDirAtomically(outDir, [
    { name: 'model.json', bytes: `${JSON.stringify(art.modelJson, null, 1)}\n` },
    ...art.shards.map((s) => ({ name: s.path, bytes: s.bytes })),
  ], opts.overwrite ?? false);
  progress?.(art.shards.length, art.shards.length, `wrote ${outDir}`);
  let params = 0;
  for (const t of tfjs.values()) params += t.data.length;
  return {
    input, format, outDir, arch: info.arch, numClasses: info.numClasses, widthDiv: info.widthDiv, tensors: tfjs.size, params,
    bytes: art.weightBytes, shards: art.shards.length, quantize: opts.quantize ?? 'none', mappedBy: src.mappedBy, layers: src.layers, notes: src.notes,
  };
}
