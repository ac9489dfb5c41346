import { ConfigError } from '../errors';
import { isVariantName } from '../config/variants';
import {
  builtinModel, checkModelEntry, isModelNameLike, MODELS, modelNames, sha256PrefixOf, urlFileName,
} from './catalogue';
import { TORCHVISION_COCO_CATEGORIES } from './coco_categories';

describe('model catalogue', () => {
  it('lists torchvision v1 and v2 under unique names, each entry valid as JSON', () => {
    expect(modelNames()).toEqual(['torchvision-maskrcnn-coco', 'torchvision-maskrcnn-v2-coco']);
    for (const [i, m] of MODELS.entries()) {
      expect(checkModelEntry(JSON.parse(JSON.stringify(m)), `MODELS[${i}]`)).toEqual(m);
      expect(builtinModel(m.name)).toBe(m);
    }
    expect(builtinModel('toString')).toBeUndefined();
    expect(builtinModel('torchvision-maskrcnn-coco')).toMatchObject({
      url: 'https://download.pytorch.org/models/maskrcnn_resnet50_fpn_coco-bf2d0c1e.pth', variant: 'torchvision-v1',
      published: { boxAP: 37.9, maskAP: 34.6, dataset: 'COCO val2017' },
    });
    expect(builtinModel('torchvision-maskrcnn-v2-coco')).toMatchObject({ published: { boxAP: 47.4, maskAP: 41.8 } });
    // Every built-in entry's architecture is a VARIANTS preset (v1 and v2).
    expect(builtinModel('torchvision-maskrcnn-v2-coco')!.variant).toBe('torchvision-v2');
    for (const m of MODELS) expect({ name: m.name, known: isVariantName(m.variant) }).toEqual({ name: m.name, known: true });
  });

  it("stores the hash prefix torch.hub reads from each URL's file name", () => {
    for (const m of MODELS) expect({ name: m.name, prefix: sha256PrefixOf(m.url) }).toEqual({ name: m.name, prefix: m.sha256Prefix });
    // torch.hub's HASH_REGEX r'-([a-f0-9]*)\.' searched in the file name: the first '-<hex>.'.
    expect(sha256PrefixOf('https://download.pytorch.org/models/resnet18-5c106cde.pth')).toBe('5c106cde');
    expect(sha256PrefixOf('https://h/x/model-v2-0a1b2c3d.tar.pth')).toBe('0a1b2c3d');
    expect(sha256PrefixOf('https://h/with-dash-in-dir/model.pth')).toBeUndefined();
    expect(sha256PrefixOf('https://h/model-ABCDEF12.pth')).toBeUndefined(); // upper case is not torch.hub's hex
    expect(sha256PrefixOf('not a url')).toBeUndefined();
    expect(urlFileName('https://h/a/b%20c.pth?x=1')).toBe('b c.pth');
  });

  it('tells names from paths and URLs', () => {
    for (const s of ['torchvision-maskrcnn-coco', 'my.model_1']) expect(isModelNameLike(s)).toBe(true);
    for (const s of ['./torchvision-maskrcnn-coco', 'models/x', 'model.json', 'https://h/m.json', 'C:\\m', '', 'Upper']) {
      expect({ s, like: isModelNameLike(s) }).toEqual({ s, like: false });
    }
  });

  it('refuses malformed entries with a ConfigError naming the field', () => {
    const good = { name: 'mirror-v1', url: 'http://127.0.0.1:8000/m-0123abcd.pth', variant: 'torchvision-v1' };
    expect(checkModelEntry(good, 'extra[0]')).toEqual({ ...good, sha256Prefix: '0123abcd', description: good.url, licence: 'not stated' });
    const cases: Array<[unknown, RegExp]> = [
      [[], /invalid config extra\[0\]: a model entry must be an object/],
      [{ ...good, name: 'Bad Name' }, /extra\[0\]\.name: "Bad Name"/],
      [{ ...good, url: 'ftp://h/m-0123abcd.pth' }, /extra\[0\]\.url/],
      [{ ...good, url: 'https://h/m.pth' }, /extra\[0\]\.sha256Prefix: missing/],
      [{ ...good, sha256Prefix: 'abc' }, /extra\[0\]\.sha256Prefix: "abc": expected 8 to 64 hex digits/],
      [{ ...good, variant: 3 }, /extra\[0\]\.variant: expected a non-empty string/],
      [{ ...good, labels: [1] }, /extra\[0\]\.labels/],
      [{ ...good, published: { boxAP: '1' } }, /extra\[0\]\.published/],
    ];
    for (const [v, re] of cases) {
      expect(() => checkModelEntry(v, 'extra[0]')).toThrow(ConfigError);
      expect(() => checkModelEntry(v, 'extra[0]')).toThrow(re);
    }
  });

  it("holds torchvision's 91 COCO category names, background first", () => {
    expect(TORCHVISION_COCO_CATEGORIES.length).toBe(91);
    expect(TORCHVISION_COCO_CATEGORIES[0]).toBe('__background__');
    expect(TORCHVISION_COCO_CATEGORIES.filter((c) => c === 'N/A').length).toBe(10);
    expect([TORCHVISION_COCO_CATEGORIES[1], TORCHVISION_COCO_CATEGORIES[90]]).toEqual(['person', 'toothbrush']);
  });
});
