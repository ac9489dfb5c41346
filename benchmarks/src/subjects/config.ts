/** The architecture configuration of the benchmark's weights (full size or width-divided fixtures). */
import type { ModelConfig } from '@mrcnn/schema';
import { workloadConfig, WorkloadName } from '../workloads/workload';

export function configFor(widthDiv: number, workload: WorkloadName = '0049'): ModelConfig {
  return workloadConfig(workload, widthDiv);
}
