/** The model's stage names → the benchmark's stages (normalize is counted with the backbone). */
import type { StageName } from '@mrcnn/model';
import { Stage } from '../types';

export const STAGE_OF: Record<StageName, Stage> = {
  normalize: 'backbone', backbone: 'backbone', fpn: 'fpn', rpn: 'rpnProposals', proposals: 'rpnProposals',
  boxHead: 'boxHead', detectionOutput: 'detectionOutput', maskHead: 'maskHead',
};
