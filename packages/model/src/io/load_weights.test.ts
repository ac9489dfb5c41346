import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DEFAULT_0049_CONFIG, resolveConfig, widthDivOverrides } from '@mrcnn/schema';
import { ModelLoadError } from '../errors';
import { checkRelativePath, validateManifest } from './manifest';
import { fileSystemHandler } from './fs_handler';
import { loadWeights } from './load_weights';

const K8 = resolveConfig(widthDivOverrides(8));

const tempDirs: string[] = [];
afterAll(() => { for (const d of tempDirs) fs.rmSync(d, { recursive: true, force: true }); });

function tempDir(prefix: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(d);
  return d;
}

interface Written { dir: string; json: Record<string, unknown> }

/** Writes model.json + shards of two small tensors, split in two shards of one group. */
async function writeModel(mutate?: (json: Record<string, unknown>, dir: string) => void): Promise<Written> {
  const dir = tempDir('mrcnn-io-');
  const a = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
  const b = tf.tensor1d([7, -8], 'int32');
  const { data, specs } = await tf.io.encodeWeights({ 'fpn.a': a, 'fpn.b': b });
  tf.dispose([a, b]);
  const bytes = new Uint8Array(data instanceof ArrayBuffer ? data : tf.io.concatenateArrayBuffers(data));
  fs.writeFileSync(path.join(dir, 'group1-shard1of2.bin'), bytes.subarray(0, 16));
  fs.writeFileSync(path.join(dir, 'group1-shard2of2.bin'), bytes.subarray(16));
  const json: Record<string, unknown> = {
    format: 'mrcnn-weights',
    generatedBy: 'test',
    weightsManifest: [{ paths: ['group1-shard1of2.bin', 'group1-shard2of2.bin'], weights: specs }],
    userDefinedMetadata: { mrcnn: K8 },
  };
  mutate?.(json, dir);
  fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
  return { dir, json };
}

function manifestOf(json: Record<string, unknown>): Array<{ paths: string[]; weights: Array<Record<string, unknown>> }> {
  return json.weightsManifest as Array<{ paths: string[]; weights: Array<Record<string, unknown>> }>;
}

describe('loadWeights from the file system', () => {
  it('round-trips tensors and config through model.json + shards (dir or file path)', async () => {
    const { dir } = await writeModel();
    const before = tf.memory().numTensors;
    for (const source of [dir, path.join(dir, 'model.json')]) {
      const { weights, config } = await loadWeights(source);
      expect(Object.keys(weights).sort()).toEqual(['fpn.a', 'fpn.b']);
      expect(weights['fpn.a'].shape).toEqual([2, 3]);
      expect(Array.from(await weights['fpn.a'].data())).toEqual([1, 2, 3, 4, 5, 6]);
      expect(weights['fpn.b'].dtype).toBe('int32');
      expect(Array.from(await weights['fpn.b'].data())).toEqual([7, -8]);
      expect(config).toEqual(K8);
      tf.dispose(Object.values(weights));
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reads a group\'s shards into one buffer, in order (weights spanning shards are views, not gathered copies)', async () => {
    const { dir } = await writeModel();
    const artifacts = await fileSystemHandler(dir).load();
    const data = artifacts.weightData as ArrayBuffer[];
    expect(data).toHaveLength(1);
    const want = Buffer.concat([fs.readFileSync(path.join(dir, 'group1-shard1of2.bin')), fs.readFileSync(path.join(dir, 'group1-shard2of2.bin'))]);
    expect(data[0].byteLength).toBe(want.length);
    expect(Buffer.from(data[0]).equals(want)).toBe(true);
  });

  it('applies config overrides on top of the stored config', async () => {
    const { dir } = await writeModel();
    const { weights, config } = await loadWeights(dir, { config: { rpn: { postNmsTopN: 100 } } });
    expect(config.rpn.postNmsTopN).toBe(100);
    expect(config.fpn.channels).toBe(32);
    tf.dispose(Object.values(weights));
  });

  it('rejects a shard path that leaves the model directory', async () => {
    const { dir } = await writeModel((json) => { manifestOf(json)[0].paths[1] = '../outside.bin'; });
    await expect(loadWeights(dir)).rejects.toThrow(ModelLoadError);
    await expect(loadWeights(dir)).rejects.toThrow(/"\.\.\/outside\.bin" leaves the model directory/);
  });

  it('rejects a shard symlinked outside the model directory', async () => {
    const { dir } = await writeModel();
    const outside = tempDir('mrcnn-out-');
    fs.renameSync(path.join(dir, 'group1-shard2of2.bin'), path.join(outside, 'x.bin'));
    fs.symlinkSync(path.join(outside, 'x.bin'), path.join(dir, 'group1-shard2of2.bin'));
    await expect(loadWeights(dir)).rejects.toThrow(/resolves outside the model directory/);
  });

  it('rejects shards whose byte count differs from the manifest', async () => {
    const { dir } = await writeModel();
    fs.appendFileSync(path.join(dir, 'group1-shard2of2.bin'), Buffer.from([0, 0, 0, 0]));
    const err = await loadWeights(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelLoadError);
    expect((err as ModelLoadError).message).toMatch(/hold 36 bytes, the weights listed need 32/);
    expect((err as ModelLoadError).source).toBe(path.join(dir, 'model.json'));
  });

  it('rejects a wrong shape (byte count no longer matches)', async () => {
    const { dir } = await writeModel((json) => { manifestOf(json)[0].weights[0].shape = [3, 3]; });
    await expect(loadWeights(dir)).rejects.toThrow(/need 44/);
  });

  it('names a missing shard', async () => {
    const { dir } = await writeModel();
    fs.unlinkSync(path.join(dir, 'group1-shard1of2.bin'));
    const err = await loadWeights(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelLoadError);
    expect((err as ModelLoadError).source).toBe(path.join(dir, 'group1-shard1of2.bin'));
    expect((err as ModelLoadError).message).toMatch(/is missing/);
  });

  it('names a missing model directory and invalid JSON', async () => {
    await expect(loadWeights('/nonexistent/mrcnn-model')).rejects.toThrow(/\/nonexistent\/mrcnn-model: no such file/);
    const { dir } = await writeModel();
    fs.writeFileSync(path.join(dir, 'model.json'), '{ not json');
    await expect(loadWeights(dir)).rejects.toThrow(/model\.json is not valid JSON/);
  });

  it('rejects an unsupported dtype and an invalid stored config', async () => {
    const bad = await writeModel((json) => { manifestOf(json)[0].weights[1].dtype = 'string'; });
    await expect(loadWeights(bad.dir)).rejects.toThrow(/weights\[1\] \(fpn\.b\): dtype must be float32 or int32/);
    const badCfg = await writeModel((json) => {
      json.userDefinedMetadata = { mrcnn: { ...K8, input: { ...K8.input, padMultiple: 0 } } };
    });
    await expect(loadWeights(badCfg.dir)).rejects.toThrow(/userDefinedMetadata\.mrcnn: invalid config input\.padMultiple/);
  });

  it('requires a config unless a fallback is given', async () => {
    const { dir } = await writeModel((json) => { delete json.userDefinedMetadata; });
    await expect(loadWeights(dir)).rejects.toThrow(/no userDefinedMetadata\.mrcnn/);
    const { weights, config } = await loadWeights(dir, { fallbackConfig: DEFAULT_0049_CONFIG });
    expect(config).toEqual(DEFAULT_0049_CONFIG);
    tf.dispose(Object.values(weights));
  });
});

describe('loadWeights from an IOHandler', () => {
  it('accepts in-memory artifacts and checks their byte count', async () => {
    const a = tf.tensor1d([1.5, 2.5]);
    const { data, specs } = await tf.io.encodeWeights({ w: a });
    a.dispose();
    const handler = tf.io.fromMemory({ weightSpecs: specs, weightData: data, userDefinedMetadata: { mrcnn: K8 } });
    const { weights } = await loadWeights(handler);
    expect(Array.from(await weights.w.data())).toEqual([1.5, 2.5]);
    tf.dispose(Object.values(weights));
    const short = tf.io.fromMemory({ weightSpecs: specs, weightData: new ArrayBuffer(4), userDefinedMetadata: { mrcnn: K8 } });
    await expect(loadWeights(short)).rejects.toThrow(/IOHandler: weight data holds 4 bytes, the manifest's weights need 8/);
  });
});

describe('manifest checks', () => {
  it('accepts plain relative shard paths and refuses escapes, schemes and absolute paths', () => {
    expect(checkRelativePath('shards/group1-shard1of1.bin', 'm', 'p')).toBe('shards/group1-shard1of1.bin');
    for (const p of ['/etc/passwd', '../x.bin', 'a/../../x.bin', 'http://evil/x.bin', 'C:/x.bin', 'a\\..\\x.bin', 'a//b', '']) {
      expect(() => checkRelativePath(p, 'model.json', 'paths[0]')).toThrow(ModelLoadError);
    }
  });

  it('counts quantized storage bytes and refuses duplicate names', () => {
    const m = validateManifest([{ paths: ['a.bin'], weights: [
      { name: 'x', shape: [2, 3], dtype: 'float32' },
      { name: 'y', shape: [4], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.1, min: -1 } },
    ] }], 'model.json');
    expect(m.byteLength).toBe(24 + 4);
    expect(() => validateManifest([{ paths: ['a.bin'], weights: [
      { name: 'x', shape: [1], dtype: 'float32' }, { name: 'x', shape: [1], dtype: 'float32' },
    ] }], 'model.json')).toThrow(/weight x appears twice/);
    expect(() => validateManifest([], 'model.json')).toThrow(/non-empty list/);
  });
});
