/**
 * The timing protocol on real subjects with the committed K=8 oracle fixtures: this project on
 * wasm and onnxruntime-node on the oracle's ONNX export must both reproduce the oracle's counts.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { readTensorDump } from '../../test/helpers/tensor_dump';
import { ORACLE_K8, readImageInput } from './inputs';
import { measureSubject } from './measure';
import { runNodeSubject } from './spawn_subject';
import { TfjsRunner } from './subjects/tfjs';
import { ensureTfjsModel, tfjsModelJson } from './subjects/tfjs_model';
import { BenchInputs, STAGES, SubjectSpec } from './types';

const inputs: BenchInputs = { oracleDir: ORACLE_K8, widthDiv: 8, images: ['astronaut_fit'], scratchDir: path.join(os.tmpdir(), 'mrcnn-bench-test') };
const golden = readTensorDump(path.join(ORACLE_K8, 'astronaut_fit'));
const oracleDetections = Array.from(golden.get('classes').data).filter((c) => c > 0).length;
const oracleRois = golden.get('proposals').shape[0];

function spec(over: Partial<SubjectSpec>): SubjectSpec {
  return { id: 'x', kind: 'tfjs', label: 'x', backend: 'wasm', threads: 1, simd: true, warmup: 0, runs: 1, profile: true, ...over };
}

describe('measureSubject', () => {
  const images = [readImageInput(inputs, 'astronaut_fit')];

  it('tfjs wasm: cold start, one timed run with every network stage, the oracle counts, no leak', async () => {
    const progress: string[] = [];
    const r = await measureSubject(spec({ id: 'tfjs-wasm-t1' }), new TfjsRunner(spec({}), inputs), images, (w) => progress.push(w));
    expect(r.ok).toBe(true);
    expect(r.runtime).toMatchObject({ backend: 'wasm', threads: 1, simd: true });
    expect(r.loadMs).toBeGreaterThan(0);
    expect(r.firstRunMs).toBeGreaterThan(0);
    expect(r.runs).toHaveLength(1);
    const stages = Object.keys(r.runs![0].stages ?? {});
    expect(stages.sort()).toEqual([...STAGES].sort());
    const st = r.runs![0].stages!;
    const network = STAGES.filter((s) => s !== 'preprocess' && s !== 'paste').reduce((a, s) => a + st[s]!, 0);
    expect(network).toBeLessThanOrEqual(r.runs![0].ms);
    expect(r.counts).toEqual([{ detections: oracleDetections, detectionRows: 100, rois: oracleRois }]);
    expect(Object.keys(r.profile ?? {}).sort()).toEqual(['boxHead', 'boxRoIAlign', 'maskHead', 'maskRoIAlign', 'proposals']);
    expect(r.memory!.tfMemory!.afterRuns).toEqual(r.memory!.tfMemory!.afterLoad);
    expect(r.memory!.wasmHeapMiB).toBeGreaterThan(0);
    expect(progress[0]).toBe('load');
    expect(tf.memory().numTensors).toBe(0);
  });

  it('tfjs wasm from the converter\'s model.json of the ONNX export (converted once, then cached): the oracle counts', async () => {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mrcnn-bench-convert-'));
    const own: BenchInputs = { ...inputs, scratchDir: scratch };
    try {
      const log: string[] = [];
      const json = await ensureTfjsModel(own, (l) => log.push(l));
      expect(json).toBe(tfjsModelJson(own));
      expect(fs.existsSync(json!)).toBe(true);
      expect(await ensureTfjsModel(own, (l) => log.push(l))).toBe(json);
      expect(log).toHaveLength(1); // the second call found the cache
      const r = await measureSubject(spec({ id: 'tfjs-wasm-t1', profile: false }), new TfjsRunner(spec({}), own), images, () => undefined);
      expect(r.ok).toBe(true);
      expect(r.runtime).toMatchObject({ weights: 'model.json converted from model_0049.onnx' });
      expect(r.counts).toEqual([{ detections: oracleDetections, detectionRows: 100, rois: null }]);
      expect(tf.memory().numTensors).toBe(0);
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  });

  // onnxruntime-node's typed arrays come from outside jest's sandbox realm, so this subject runs
  // the way the harness runs it: in its own worker process (benchmarks/dist, made by `npm run build`).
  it('onnxruntime-node on the oracle ONNX export, in a worker process: the same detections (RoIs are not a graph output)', async () => {
    const s = spec({ id: 'ort-node-t1', kind: 'ort-node', backend: undefined, profile: false });
    const steps: number[] = [];
    const r = await runNodeSubject(s, inputs, (_w, done) => steps.push(done), 120000);
    expect(r.error).toBeUndefined();
    expect(r.ok).toBe(true);
    expect(steps[steps.length - 1]).toBe(3);
    expect(r.runs).toHaveLength(1);
    expect(r.ok).toBe(true);
    expect(r.counts).toEqual([{ detections: oracleDetections, detectionRows: 100, rois: null }]);
    expect(r.runtime).toMatchObject({ threads: 1, outputs: 'classes,scores,boxes,raw_masks' });
  });
});
