/**
 * K=8 oracle models for the reliability tests, written by the e2e helper (`writeK8Model`), and a
 * variant whose box classifier is replaced by a constant: cls_score weights zeroed and the bias
 * set per class, so every RoI gets the same, hand-computable class scores whatever the image.
 */
import * as fs from 'fs';
import * as path from 'path';
import { writeK8Model } from '../e2e/helpers/k8_model';

const CLS_SCORE = 'roi_heads.box_predictor.cls_score';

interface Spec { name: string; shape: number[]; dtype: string }

/** Rewrites cls_score in the model at `dir`: weight ← 0, bias ← `bias` (length = number of classes). */
export function setConstantClassifier(dir: string, bias: readonly number[]): void {
  const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')) as { weightsManifest: Array<{ paths: string[]; weights: Spec[] }> };
  const group = json.weightsManifest[0];
  const shardPath = path.join(dir, group.paths[0]);
  const shard = fs.readFileSync(shardPath);
  let offset = 0;
  const found = new Set<string>();
  for (const s of group.weights) {
    const n = s.shape.reduce((a, b) => a * b, 1);
    if (s.dtype !== 'float32' && s.dtype !== 'int32') throw new Error(`${s.name}: unexpected dtype ${s.dtype}`);
    if (s.name === `${CLS_SCORE}.weight` || s.name === `${CLS_SCORE}.bias`) {
      const values = new Float32Array(shard.buffer, shard.byteOffset + offset, n);
      if (s.name.endsWith('.weight')) values.fill(0);
      else {
        if (n !== bias.length) throw new Error(`${s.name}: ${n} classes, ${bias.length} biases given`);
        values.set(bias);
      }
      found.add(s.name);
    }
    offset += 4 * n;
  }
  if (found.size !== 2) throw new Error(`${CLS_SCORE}: weight or bias not found in ${dir}/model.json`);
  fs.writeFileSync(shardPath, shard);
}

/** A K=8 model in `dir` whose classifier always gives class `classId` the logit `logit` (others 0). */
export function writeOneClassModel(dir: string, classId: number, logit: number, numClasses = 81): string {
  writeK8Model(dir);
  setConstantClassifier(dir, Array.from({ length: numClasses }, (_, c) => (c === classId ? logit : 0)));
  return dir;
}
