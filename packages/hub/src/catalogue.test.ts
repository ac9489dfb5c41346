import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ConfigError, MODELS } from '@mrcnn/schema';
import { catalogueFileEntries, findModel, knownModels, modelEntry, registerModel, unregisterModel } from './catalogue';
import { CatalogueError, UnknownModelError } from './errors';

let tmp: string;
beforeAll(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mrcnn-hub-cat-')); });
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const mirror = { name: 'torchvision-maskrcnn-coco', url: 'http://mirror.local/models/maskrcnn_resnet50_fpn_coco-bf2d0c1e.pth', variant: 'torchvision-v1' };

describe('catalogue', () => {
  it('knows the built-in models without a catalogue file', () => {
    expect(knownModels({}).map((m) => m.name)).toEqual(MODELS.map((m) => m.name));
    expect(findModel('torchvision-maskrcnn-coco', {})).toBe(MODELS[0]);
    expect(findModel('nope', {})).toBeUndefined();
  });

  it('adds and overrides entries from MRCNN_MODEL_CATALOGUE, then registered ones', () => {
    const file = path.join(tmp, 'catalogue.json');
    fs.writeFileSync(file, JSON.stringify([mirror, { name: 'mine', url: 'https://h/m-0123abcd.pth', variant: 'torchvision-v1' }]));
    const env = { MRCNN_MODEL_CATALOGUE: file };
    expect(knownModels(env).map((m) => m.name)).toEqual([...MODELS.map((m) => m.name), 'mine']);
    expect(findModel('torchvision-maskrcnn-coco', env)?.url).toBe(mirror.url);
    expect(findModel('mine', env)?.sha256Prefix).toBe('0123abcd'); // from the file name, as torch.hub reads it
    registerModel({ ...MODELS[0], name: 'mine', description: 'registered' });
    try {
      expect(modelEntry('mine', env).description).toBe('registered');
    } finally {
      expect(unregisterModel('mine')).toBe(true);
    }
    expect(modelEntry('mine', env).description).toBe('https://h/m-0123abcd.pth');
  });

  it('refuses an unreadable or invalid catalogue file, naming it and the entry', () => {
    const bad = path.join(tmp, 'bad.json');
    fs.writeFileSync(bad, '{"not": "an array"}');
    expect(() => catalogueFileEntries({ MRCNN_MODEL_CATALOGUE: bad })).toThrow(CatalogueError);
    expect(() => catalogueFileEntries({ MRCNN_MODEL_CATALOGUE: bad })).toThrow(`model catalogue ${bad}: expected a JSON array of model entries`);
    fs.writeFileSync(bad, JSON.stringify([mirror, { ...mirror, url: 'https://h/no-hash.pth' }]));
    expect(() => knownModels({ MRCNN_MODEL_CATALOGUE: bad })).toThrow(/bad\.json: invalid config \[1\]\.sha256Prefix: missing/);
    expect(() => catalogueFileEntries({ MRCNN_MODEL_CATALOGUE: path.join(tmp, 'absent.json') })).toThrow(/absent\.json: cannot read it as JSON/);
    expect(() => registerModel({ ...mirror, name: 'Bad' } as never)).toThrow(ConfigError);
  });

  it('names the known models when a name is unknown', () => {
    expect(() => modelEntry('torchvision-maskrcnn', {})).toThrow(UnknownModelError);
    expect(() => modelEntry('torchvision-maskrcnn', {})).toThrow(
      'unknown model "torchvision-maskrcnn"; known models: torchvision-maskrcnn-coco, torchvision-maskrcnn-v2-coco (mrcnn models lists them)');
  });
});
