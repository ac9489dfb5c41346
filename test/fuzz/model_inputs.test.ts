/**
 * Property-based fuzzing (fast-check) of what @mrcnn/model reads from outside: model.json (byte
 * mutations and structural ones: a random field replaced by arbitrary JSON or a huge number),
 * read through `loadWeights` with the default model's real shard, and PNG/JPEG bytes through
 * `decodeImage`. Every input loads/decodes or is refused with an MrcnnError; loaded tensors are
 * released and none leak. Budget: FUZZ_RUNS (npm run fuzz) or short.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fc from 'fast-check';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { decodeImage, loadWeights, LoadedWeights, MrcnnError } from '@mrcnn/model';
import { mutantOf } from './mutations';
import { pngMutantOf } from './png_mutations';
import { budget, describeOutcome, fuzzProperty } from './property';
import { DEFAULT_MODEL, jpegSeeds, pngSeeds } from './seeds';

const isMrcnnError = (e: unknown): boolean => e instanceof MrcnnError;
const log = (line: string): void => {
  if (process.env.FUZZ_RUNS) process.stdout.write(`${line}\n`);
};
const release = (w: LoadedWeights): void => tf.dispose(Object.values(w.weights));

let dir: string;
let modelJson: string;
const SHARD = 'group1-shard1of1.bin';

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mrcnn-fuzz-manifest-'));
  fs.copyFileSync(path.join(DEFAULT_MODEL, SHARD), path.join(dir, SHARD));
  modelJson = fs.readFileSync(path.join(DEFAULT_MODEL, 'model.json'), 'utf8');
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Writes `bytes` as the model.json next to the real shard and loads it. */
async function loadModelJson(bytes: Uint8Array): Promise<LoadedWeights> {
  fs.writeFileSync(path.join(dir, 'model.json'), bytes);
  return loadWeights(dir);
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Replaces the node at a random path (chosen by `picks`) of `root` with `value`. */
function replaceAt(root: Json, picks: readonly number[], value: Json): Json {
  if (picks.length === 0 || root === null || typeof root !== 'object') return value;
  const [p, ...rest] = picks;
  if (Array.isArray(root)) {
    if (root.length === 0) return value;
    const copy = [...root];
    copy[p % copy.length] = replaceAt(copy[p % copy.length], rest, value);
    return copy;
  }
  const keys = Object.keys(root);
  if (keys.length === 0) return value;
  const k = keys[p % keys.length];
  return { ...root, [k]: replaceAt(root[k], rest, value) };
}

/** model.json with one field (at any depth) replaced by arbitrary JSON, a huge or odd number, or a hostile path. */
function structuralMutant(text: string): fc.Arbitrary<Uint8Array> {
  const root = JSON.parse(text) as Json;
  const odd = fc.constantFrom<Json>(-1, 0, 1e308, 2 ** 31, 2 ** 53, 0.5, '../../etc/passwd', '/abs.bin', 'C:/x.bin',
    'a/../b.bin', '__proto__', [], {}, [2 ** 20, 2 ** 20, 2 ** 20], 'float16', 'uint8', 'string', 'complex64',
    // own "__proto__" / "constructor" keys, as JSON.parse makes them (an object literal would set the prototype)
    JSON.parse('{"__proto__": {"polluted": true, "numClasses": 3}}') as Json,
    JSON.parse('{"constructor": {"prototype": {"polluted": true}}}') as Json);
  const value: fc.Arbitrary<Json> = fc.oneof(odd, fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>);
  return fc.tuple(fc.array(fc.nat(), { minLength: 1, maxLength: 7 }), value)
    .map(([picks, v]) => new TextEncoder().encode(JSON.stringify(replaceAt(root, picks, v))));
}

/** Decodes as `name` and checks the RGB buffer matches the reported size (a decoder bug otherwise). */
function decodesToRgb(name: string): (b: Uint8Array) => Promise<Awaited<ReturnType<typeof decodeImage>>> {
  return async (b) => {
    const img = await decodeImage(b, name);
    if (img.data.length !== img.width * img.height * 3) throw new Error(`${name}: ${img.data.length} bytes for ${img.width}x${img.height}`);
    return img;
  };
}

describe('model inputs under fuzzing: MrcnnError only', () => {
  it('model.json byte mutations: loads or ModelLoadError; no tensors leak', async () => {
    const before = tf.memory().numTensors;
    const seed = new TextEncoder().encode(modelJson);
    const o = await fuzzProperty('manifest-bytes', mutantOf([seed]), budget(25, 0.5), loadModelJson, isMrcnnError, release);
    log(describeOutcome('manifest-bytes', o));
    expect(o.rejected).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('model.json structural mutations: loads or ModelLoadError; no tensors leak', async () => {
    const before = tf.memory().numTensors;
    const o = await fuzzProperty('manifest-json', structuralMutant(modelJson), budget(40, 0.5), loadModelJson, isMrcnnError, release);
    log(describeOutcome('manifest-json', o));
    expect(o.rejected).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('PNG bytes: decode to consistent RGB or ImageDecodeError', async () => {
    const o = await fuzzProperty('png', mutantOf(pngSeeds()), budget(150), decodesToRgb('fuzz.png'), isMrcnnError);
    log(describeOutcome('png', o));
    expect(o.rejected).toBeGreaterThan(0);
  });

  it('PNG structure (IHDR fields, re-deflated scanlines, chunks; CRCs repaired): RGB or ImageDecodeError', async () => {
    const o = await fuzzProperty('png-structure', pngMutantOf(pngSeeds().slice(0, 6)), budget(150), decodesToRgb('fuzz.png'), isMrcnnError);
    log(describeOutcome('png-structure', o));
    expect(o.accepted).toBeGreaterThan(0);
    expect(o.rejected).toBeGreaterThan(0);
  });

  it('JPEG bytes: decode to consistent RGB or ImageDecodeError', async () => {
    const o = await fuzzProperty('jpeg', mutantOf(await jpegSeeds()), budget(80), decodesToRgb('fuzz.jpg'), isMrcnnError);
    log(describeOutcome('jpeg', o));
    expect(o.rejected).toBeGreaterThan(0);
  });
});
