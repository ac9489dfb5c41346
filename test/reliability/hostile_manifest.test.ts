/**
 * model.json with own `__proto__` / `constructor` keys (as JSON.parse creates them) in the config,
 * labels and weight entries: loaded or refused with a ModelLoadError, and Object.prototype is
 * never touched (the config merge copies keys; a `__proto__` key must stay data).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { loadWeights, ModelLoadError } from '@mrcnn/model';
import { DEFAULT_MODEL } from '../fuzz/seeds';

const SHARD = 'group1-shard1of1.bin';
let dir: string;
let text: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mrcnn-proto-'));
  fs.copyFileSync(path.join(DEFAULT_MODEL, SHARD), path.join(dir, SHARD));
  text = fs.readFileSync(path.join(DEFAULT_MODEL, 'model.json'), 'utf8');
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

type Rec = Record<string, unknown>;

/** The object at `keys` below `root` (array indices as numbers). */
function at(root: Rec, ...keys: Array<string | number>): Rec {
  return keys.reduce<Rec>((o, k) => (o as Record<string | number, unknown>)[k] as Rec, root);
}

/** The default model.json with `edit` applied to its parsed JSON (keys from JSON.parse are own keys). */
async function loadEdited(edit: (json: Rec) => void): Promise<unknown> {
  const json = JSON.parse(text) as Rec;
  edit(json);
  fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
  try {
    const loaded = await loadWeights(dir);
    tf.dispose(Object.values(loaded.weights));
    return loaded.config;
  } catch (e) {
    return e;
  }
}

const PROTO = (): Rec => JSON.parse('{"__proto__": {"polluted": true}}') as Rec;

describe('prototype keys in model.json stay data', () => {
  it.each([
    ['config root', (j: Rec) => { Object.assign(at(j, 'userDefinedMetadata', 'mrcnn'), PROTO()); }],
    ['nested config', (j: Rec) => { Object.assign(at(j, 'userDefinedMetadata', 'mrcnn', 'input'), PROTO()); }],
    ['constructor.prototype', (j: Rec) => {
      Object.assign(at(j, 'userDefinedMetadata', 'mrcnn'), JSON.parse('{"constructor": {"prototype": {"polluted": true}}}') as Rec);
    }],
    ['metadata root', (j: Rec) => { Object.assign(at(j, 'userDefinedMetadata'), PROTO()); }],
    ['weight entry', (j: Rec) => { Object.assign(at(j, 'weightsManifest', 0, 'weights', 0), PROTO()); }],
    ['manifest group', (j: Rec) => { Object.assign(at(j, 'weightsManifest', 0), PROTO()); }],
  ] as Array<[string, (j: Rec) => void]>)('%s', async (_where, edit) => {
    const before = tf.memory().numTensors;
    const result = await loadEdited(edit);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
    if (result instanceof Error) expect(result).toBeInstanceOf(ModelLoadError);
    else expect((result as { numClasses: number }).numClasses).toBe(7);
    expect(tf.memory().numTensors).toBe(before);
  });
});
