/**
 * The harness's workloads: which network the subjects time and the files of its inputs folder.
 * - '0049': the card's network at 320x480 (the oracle's seeded 0049 model, .cache/oracle/k1);
 * - 'torchvision': torchvision's maskrcnn_resnet50_fpn (v1, seeded) at its default input size
 *   (min 800 / max 1333, GeneralizedRCNNTransform): the inputs folder is made by
 *   torchvision_inputs.ts from the torchvision goldens' images; every subject gets the same
 *   normalised, padded im_data (e.g. 800x1216).
 * Every subject finds its files through `workloadFiles(inputs)`.
 */
import { ModelConfig, resolveConfig, variant, widthDivOverrides } from '@mrcnn/schema';

export type WorkloadName = '0049' | 'torchvision';

export const WORKLOAD_NAMES: readonly WorkloadName[] = ['0049', 'torchvision'];

export interface WorkloadFiles {
  /** The PyTorch state dict (pytorch subject; tfjs converts it where there is no ONNX to convert). */
  pth: string;
  /** The ONNX export (onnxruntime subjects; the tfjs subjects convert it when `tfjsFromOnnx`). */
  onnx: string;
  /** The canonical weight dump (stem), when the folder has one. */
  dump?: string;
  /** tfjs subjects load the converter's model.json of the ONNX export (else of the .pth). */
  tfjsFromOnnx: boolean;
}

const FILES: Readonly<Record<WorkloadName, WorkloadFiles>> = {
  '0049': { pth: 'model_0049.pth', onnx: 'model_0049.onnx', dump: 'weights_0049', tfjsFromOnnx: true },
  // torchvision's own ONNX export is a whole graph the converter does not map by structure: the
  // tfjs subjects convert the same checkpoint's .pth, as a user converting torchvision's weights does.
  torchvision: { pth: 'model_torchvision.pth', onnx: 'model_torchvision.onnx', tfjsFromOnnx: false },
};

export function workloadFiles(workload: WorkloadName): WorkloadFiles {
  return FILES[workload];
}

/** The architecture configuration of a workload's weights (full size or width-divided fixtures). */
export function workloadConfig(workload: WorkloadName, widthDiv: number): ModelConfig {
  const base = workload === '0049' ? variant('0049') : variant('torchvision-v1');
  return widthDiv === 1 ? base : resolveConfig(widthDivOverrides(widthDiv, base), base);
}
