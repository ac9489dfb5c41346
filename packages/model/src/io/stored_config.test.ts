/**
 * model.json's schema version through `loadWeights`: files without a version (version 1, every file
 * written before it existed, e.g. the embedded default model) and the current version load; a newer
 * or malformed version is a ModelLoadError naming the file, and leaks nothing.
 */
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MODEL_SCHEMA_VERSION, modelMetadata, resolveConfig, SchemaVersionError, widthDivOverrides } from '@mrcnn/schema';
import { ModelLoadError } from '../errors';
import { loadWeights } from './load_weights';

const K8 = resolveConfig(widthDivOverrides(8));
const DEFAULT_MODEL_JSON = path.join(__dirname, '..', '..', 'default-model', 'model.json');

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mrcnn-schema-version-'));
  const a = tf.tensor2d([[1, 2], [3, 4]]);
  const { data, specs } = await tf.io.encodeWeights({ 'fpn.a': a });
  a.dispose();
  fs.writeFileSync(path.join(dir, 'group1-shard1of1.bin'), new Uint8Array(data as ArrayBuffer));
  fs.writeFileSync(path.join(dir, 'specs.json'), JSON.stringify(specs));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Writes model.json with `userDefinedMetadata = meta` next to the one shard; returns its path. */
function writeModelJson(meta: Record<string, unknown>): string {
  const specs: unknown = JSON.parse(fs.readFileSync(path.join(dir, 'specs.json'), 'utf8'));
  const file = path.join(dir, 'model.json');
  fs.writeFileSync(file, JSON.stringify({
    format: 'mrcnn-weights', weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: specs }], userDefinedMetadata: meta,
  }));
  return file;
}

async function loadError(file: string): Promise<ModelLoadError> {
  const before = tf.memory().numTensors;
  const err = await loadWeights(file).then(() => undefined, (e: unknown) => e);
  expect(tf.memory().numTensors).toBe(before);
  expect(err).toBeInstanceOf(ModelLoadError);
  return err as ModelLoadError;
}

describe('model.json schema version', () => {
  it('loads the embedded default model, written before versions existed (version 1)', async () => {
    const json = JSON.parse(fs.readFileSync(DEFAULT_MODEL_JSON, 'utf8')) as { userDefinedMetadata: Record<string, unknown> };
    expect(json.userDefinedMetadata.schemaVersion).toBeUndefined();
    const before = tf.memory().numTensors;
    const { weights, config } = await loadWeights(DEFAULT_MODEL_JSON);
    expect(config).toEqual(resolveConfig(json.userDefinedMetadata.mrcnn as never));
    expect(config.numClasses).toBe(7);
    tf.dispose(Object.values(weights));
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each([
    ['no version (1)', { mrcnn: K8 }],
    ['version 1', { schemaVersion: 1, mrcnn: K8 }],
    ['the current version', modelMetadata(K8)],
  ])('loads %s', async (_what, meta) => {
    const { weights, config } = await loadWeights(writeModelJson(meta));
    expect(config).toEqual(K8);
    expect(Array.from(await weights['fpn.a'].data())).toEqual([1, 2, 3, 4]);
    tf.dispose(Object.values(weights));
  });

  it('refuses a newer version: the file, the version found, the newest supported, "upgrade @mrcnn/model"', async () => {
    const file = writeModelJson({ schemaVersion: MODEL_SCHEMA_VERSION + 1, mrcnn: K8 });
    const err = await loadError(file);
    expect(err.source).toBe(file);
    expect(err.message).toBe(`${file}: userDefinedMetadata.schemaVersion ${MODEL_SCHEMA_VERSION + 1} is newer than ${MODEL_SCHEMA_VERSION}, `
      + 'the newest this @mrcnn/model reads: upgrade @mrcnn/model');
    expect(err.cause).toBeInstanceOf(SchemaVersionError);
  });

  it.each([['"2"', '2'], ['0', 0], ['2.5', 2.5], ['null', null]])('refuses a malformed version %s', async (_what, v) => {
    const file = writeModelJson({ schemaVersion: v, mrcnn: K8 });
    const err = await loadError(file);
    expect(err.message).toMatch(/model\.json: userDefinedMetadata\.schemaVersion: schema version must be a positive integer, got /);
    expect(err.message).not.toMatch(/upgrade/);
  });
});
