#!/usr/bin/env node
/**
 * COCO evaluation of a results JSON (as pycocotools' loadRes + COCOeval) with the project's evaluator:
 *   node tools/train_default/eval_results.mjs <instances.json> <results.json>
 * Box AP uses each result's bbox, mask AP its segmentation (evaluated as separate result lists).
 */
import { bundleEntry } from './bundle_src.mjs';
import { execFileSync } from 'node:child_process';

const [annotations, results] = process.argv.slice(2);
if (!annotations || !results) {
  console.error('usage: eval_results.mjs <instances.json> <results.json>');
  process.exit(2);
}
const bundle = await bundleEntry('eval_results', `
import * as fs from 'fs';
import { evaluateCoco, validateDataset } from '@mrcnn/model/internal';
const [a, r] = process.argv.slice(2);
const gt = validateDataset(JSON.parse(fs.readFileSync(a, 'utf8')), a);
const res = JSON.parse(fs.readFileSync(r, 'utf8'));
const box = res.map(({ image_id, category_id, score, bbox }: any) => ({ image_id, category_id, score, bbox }));
const segm = res.map(({ image_id, category_id, score, segmentation }: any) => ({ image_id, category_id, score, segmentation }));
for (const [t, list] of [['bbox', box], ['segm', segm]] as const) {
  console.log(t + ':\\n' + evaluateCoco(gt, list, t).summary.lines.join('\\n'));
}
`);
execFileSync(process.execPath, [bundle, annotations, results], { stdio: 'inherit' });
