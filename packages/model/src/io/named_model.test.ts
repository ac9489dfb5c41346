import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ModelLoadError } from '../errors';
import { NamedModelResolver, resolveNamedModel } from './named_model';

/** A stand-in for @mrcnn/hub that knows one model and records what it was asked. */
function fakeHub(calls: string[]): NamedModelResolver {
  return {
    knownModels: () => [{ name: 'known-model' }],
    findModel: (name) => (name === 'known-model' ? { name } : undefined),
    ensureModel: async (name, options) => {
      calls.push(`${name}${options.onProgress ? ' +progress' : ''}`);
      return { dir: `/cache/models/${name}` };
    },
  };
}

describe('resolveNamedModel', () => {
  let tmp: string;
  let cwd: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mrcnn-named-'));
    cwd = process.cwd();
    process.chdir(tmp);
    fs.mkdirSync('known-model');
  });
  afterAll(() => {
    process.chdir(cwd);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('leaves paths and URLs alone', async () => {
    const calls: string[] = [];
    for (const s of ['./known-model', 'models/known-model', 'model.json', 'https://h/known-model/model.json', '/abs/dir']) {
      expect(await resolveNamedModel(s, undefined, () => fakeHub(calls))).toBeUndefined();
    }
    expect(calls).toEqual([]);
  });

  it('gives an existing directory of that name precedence over the name', async () => {
    const calls: string[] = [];
    expect(await resolveNamedModel('known-model', undefined, () => fakeHub(calls))).toBeUndefined();
    fs.rmdirSync('known-model');
    expect(await resolveNamedModel('known-model', () => undefined, () => fakeHub(calls))).toBe('/cache/models/known-model');
    expect(calls).toEqual(['known-model +progress']);
  });

  it('names the known models for a name that is neither a path nor known', async () => {
    const err = await resolveNamedModel('unknown-model', undefined, () => fakeHub([])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelLoadError);
    expect((err as Error).message).toBe('unknown-model: no such file or directory, and no model of that name (known models: known-model)');
  });

  it('without @mrcnn/hub: a catalogue name says what to install and how to convert by hand; other names fall through', async () => {
    const err = await resolveNamedModel('torchvision-maskrcnn-coco', undefined, () => undefined).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelLoadError);
    expect((err as Error).message).toMatch(/^torchvision-maskrcnn-coco: a named model: fetching it needs @mrcnn\/hub \(npm i @mrcnn\/hub\); or download https:\/\/download\.pytorch\.org\/models\/maskrcnn_resnet50_fpn_coco-bf2d0c1e\.pth, convert it with `mrcnn convert <file> -o <dir>`/);
    expect(await resolveNamedModel('some-dir', undefined, () => undefined)).toBeUndefined();
  });
});
