/** The parameter count of a weight map with the spec's rule (the card's 44.920 M for 0049). */
import { ModelConfig } from '../config/types';
import { WeightShapes } from './expected_shapes';
import { BODY, BOX_HEAD, BOX_PREDICTOR, FPN, RPN } from './layer_names';

export interface ParameterCount {
  /** The spec's rule: BN folded, the shared RPN head counted once per pyramid level. */
  readonly total: number;
  /** Every tensor once. */
  readonly unique: number;
  readonly byStage: Readonly<Record<'backbone' | 'fpn' | 'rpn' | 'boxHead' | 'maskHead', number>>;
}

function stageOf(name: string): keyof ParameterCount['byStage'] {
  if (name.startsWith(`${BODY}.`)) return 'backbone';
  if (name.startsWith(`${FPN}.`)) return 'fpn';
  if (name.startsWith(`${RPN}.`)) return 'rpn';
  if (name.startsWith(`${BOX_HEAD}.`) || name.startsWith(`${BOX_PREDICTOR}.`)) return 'boxHead';
  return 'maskHead';
}

/**
 * Parameters of a weight map (tensors or bare `{shape}` entries, e.g. from `expectedWeightShapes`),
 * RPN tensors counted once per RPN level (`anchors.strides.length`, 5 for P2..P6).
 */
export function countParameters(weights: Readonly<Record<string, { readonly shape: readonly number[] }>> | WeightShapes,
  cfg: ModelConfig): ParameterCount {
  const entries: Array<[string, readonly number[]]> = weights instanceof Map
    ? [...weights.entries()]
    : Object.entries(weights).map(([n, t]) => [n, t.shape]);
  const byStage = { backbone: 0, fpn: 0, rpn: 0, boxHead: 0, maskHead: 0 };
  let unique = 0;
  for (const [name, shape] of entries) {
    const n = shape.reduce((p, d) => p * d, 1);
    unique += n;
    byStage[stageOf(name)] += n;
  }
  const rpnLevels = cfg.anchors.strides.length;
  byStage.rpn *= rpnLevels;
  const total = byStage.backbone + byStage.fpn + byStage.rpn + byStage.boxHead + byStage.maskHead;
  return { total, unique, byStage };
}
