/**
 * What the converter writes is what the model package's loader reads: config from
 * userDefinedMetadata.mrcnn, quantized weights dequantized by tf.io, and damaged output
 * (truncated or missing shard, edited byte counts) refused with a typed ModelLoadError.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@mrcnn/engine';
import { readPth, toTfjsWeightMap } from '@mrcnn/weights-converter';
import { loadWeights, MaskRCNN, ModelLoadError } from '@mrcnn/model';
import { fixture, readBytes } from '../helpers/converter_fixtures';
import { convertToTemp, removeTempDirs } from './convert_run';

describe('model package loads converter output', () => {
  beforeAll(async () => { await initBackend('cpu'); });
  afterAll(removeTempDirs);

  it.each([[undefined, 0], ['fp16', 2 ** -11], ['uint8', 1 / 255]] as const)('quantize %s: config, names, shapes and values', async (q, rel) => {
    const { dir } = await convertToTemp(fixture('tiny_k32_tv.pth'), { quantize: q, maxShardBytes: 64 * 1024 });
    const before = tf.memory().numTensors;
    const { weights, config } = await loadWeights(dir);
    expect(config).toMatchObject({ name: 'torchvision-maskrcnn_resnet50_fpn', numClasses: 91, backbone: { widthDiv: 32, blocks: [1, 1, 1, 1], strideOn: '3x3' }, fpn: { channels: 8 }, mask: { channels: 8 } });
    const want = toTfjsWeightMap(readPth(readBytes(fixture('tiny_k32_tv.pth')), 'tiny_k32_tv.pth'));
    expect(Object.keys(weights).sort()).toEqual([...want.keys()].sort());
    for (const [name, t] of want) {
      const got = weights[name].dataSync();
      let lo = Infinity; let hi = -Infinity;
      for (const v of t.data) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
      for (let i = 0; i < got.length; i++) {
        const tol = q === undefined ? 0 : q === 'fp16' ? Math.abs(t.data[i]) * rel + 2 ** -24 : (hi - lo) * rel * 0.5001 + 1e-7;
        if (Math.abs(got[i] - t.data[i]) > tol) throw new Error(`${name}[${i}] ${got[i]} vs ${t.data[i]}`);
      }
    }
    // The network accepts the map for the stored config (every shape checked by the constructor).
    const model = new MaskRCNN(weights, config, { ownsWeights: true });
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('loads over http (tf.io.http, as a browser does) with the same weights as from the file system', async () => {
    const { dir } = await convertToTemp(fixture('tiny_k16.pth'), { quantize: 'fp16', maxShardBytes: 128 * 1024 });
    const requested: string[] = [];
    const fetchFunc = (async (input: RequestInfo | URL): Promise<Response> => {
      const url = new URL(String(input));
      requested.push(url.pathname);
      const file = path.join(dir, decodeURIComponent(url.pathname.replace(/^\/models\/k16\//, '')));
      if (!url.pathname.startsWith('/models/k16/') || !fs.existsSync(file)) return new Response('not found', { status: 404 });
      return new Response(fs.readFileSync(file), { status: 200 });
    }) as typeof fetch;
    const before = tf.memory().numTensors;
    const http = await loadWeights('http://weights.test/models/k16/model.json', { fetchFunc });
    const disk = await loadWeights(dir);
    expect(requested[0]).toBe('/models/k16/model.json');
    expect(requested.length).toBeGreaterThan(2); // model.json + several shards
    expect(http.config).toEqual(disk.config);
    for (const [name, t] of Object.entries(disk.weights)) {
      expect({ name, same: Buffer.from(http.weights[name].dataSync<'float32'>().buffer).equals(Buffer.from(t.dataSync<'float32'>().buffer)) }).toEqual({ name, same: true });
    }
    tf.dispose([...Object.values(http.weights), ...Object.values(disk.weights)]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a truncated shard, a missing shard and a manifest with a wrong shape', async () => {
    const { dir } = await convertToTemp(fixture('tiny_k16.pth'), { maxShardBytes: 200 * 1024 });
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
    const shard = path.join(dir, json.weightsManifest[0].paths[1]);
    const bytes = fs.readFileSync(shard);
    fs.writeFileSync(shard, bytes.subarray(0, bytes.length - 10));
    await expect(loadWeights(dir)).rejects.toThrow(ModelLoadError);
    await expect(loadWeights(dir)).rejects.toThrow(/hold \d+ bytes, the weights listed need \d+/);
    fs.unlinkSync(shard);
    await expect(loadWeights(dir)).rejects.toThrow(/missing/);
    fs.writeFileSync(shard, bytes);
    const { weights } = await loadWeights(dir);
    tf.dispose(Object.values(weights));
    json.weightsManifest[0].weights[0].shape = [7, 7, 3, 5];
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
    await expect(loadWeights(dir)).rejects.toThrow(ModelLoadError);
  });
});
