/** The committed COCO val2017 mini set and its numpy mask-IoU reference (test/fixtures/coco-val2017-mini). */
import * as fs from 'fs';
import * as path from 'path';
import type { CocoDataset } from '@mrcnn/model';
import { validateDataset } from '@mrcnn/model/internal';
import { FIXTURES } from '../helpers/paths';

export const COCO_MINI = path.join(FIXTURES, 'coco-val2017-mini');

export function loadCocoMini(): CocoDataset {
  const file = path.join(COCO_MINI, 'instances_val2017.json');
  return validateDataset(JSON.parse(fs.readFileSync(file, 'utf8')), file);
}

export interface NumpyMaskReference {
  shift: [number, number];
  masks: { id: number; area: number; bbox: [number, number, number, number] }[];
  pairs: { dt: number; gt: number; gtCrowd: boolean; iou: number }[];
  shifted: { id: number; iou: number }[];
}

export function loadNumpyMaskReference(): NumpyMaskReference {
  return JSON.parse(fs.readFileSync(path.join(COCO_MINI, 'mask_iou_numpy.json'), 'utf8')) as NumpyMaskReference;
}
