/** The architecture configuration of the benchmark's weights (full size or width-divided fixtures). */
import { ModelConfig, resolveConfig, widthDivOverrides } from '@mrcnn/schema';

export function configFor(widthDiv: number): ModelConfig {
  return widthDiv === 1 ? resolveConfig() : resolveConfig(widthDivOverrides(widthDiv));
}
