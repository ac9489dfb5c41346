import { ConfigError, MrcnnError } from '../errors';
import { DEFAULT_0049_CONFIG, DEFAULT_TORCHVISION_CONFIG, DEFAULT_TORCHVISION_V2_CONFIG, widthDivOverrides } from './defaults';
import { resolveConfig } from './resolve';
import { anchorsPerLocation } from './validate';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('resolveConfig', () => {
  it('returns the 0049 defaults unchanged', () => {
    const c = resolveConfig();
    expect(c).toEqual(DEFAULT_0049_CONFIG);
    expect(c.input.mean).toEqual([102.9801, 115.9465, 122.7717]);
    expect(c.rpn.clampLogWh).toBeCloseTo(Math.log(1000 / 16), 12);
    expect(anchorsPerLocation(c.anchors)).toBe(3);
  });

  it('validates the torchvision defaults (v1 and v2)', () => {
    const c = resolveConfig({}, DEFAULT_TORCHVISION_CONFIG);
    expect(c).toEqual(DEFAULT_TORCHVISION_CONFIG);
    expect(anchorsPerLocation(c.anchors)).toBe(3);
    expect(c.input).toEqual({
      transform: 'torchvision', minSize: 800, maxSize: 1333, padMultiple: 32, mean: [0.485, 0.456, 0.406],
      std: [0.229, 0.224, 0.225], channelOrder: 'RGB', resizePolicy: 'fit',
    });
    const v2 = resolveConfig({}, DEFAULT_TORCHVISION_V2_CONFIG);
    expect(v2).toEqual(DEFAULT_TORCHVISION_V2_CONFIG);
    expect([v2.rpn.convs, v2.boxHead]).toEqual([2, { convs: 4, convChannels: 256, fcs: 1, fcDim: 1024 }]);
    expect({ ...v2, name: c.name, rpn: c.rpn, boxHead: c.boxHead }).toEqual(c);
  });

  it('takes any positive sizes for the torchvision transform, multiples of padMultiple for the card', () => {
    expect(resolveConfig({ input: { minSize: 333, maxSize: 517 } }, DEFAULT_TORCHVISION_CONFIG).input.minSize).toBe(333);
    expect(() => resolveConfig({ input: { minSize: 333 } })).toThrow(/input\.minSize: expected a positive multiple of padMultiple \(32\), got 333/);
    expect(() => resolveConfig({ input: { maxSize: 0 } }, DEFAULT_TORCHVISION_CONFIG)).toThrow(/input\.maxSize/);
    expect(() => resolveConfig({ input: { resizePolicy: 'window' } }, DEFAULT_TORCHVISION_CONFIG)).toThrow(/input\.resizePolicy.*'fit'/);
    expect(() => resolveConfig({ input: { transform: 'opencv' as 'card' } })).toThrow(/input\.transform: expected one of card, torchvision/);
  });

  it('merges nested overrides and replaces arrays whole', () => {
    const c = resolveConfig({ input: { resizePolicy: 'window' }, detection: { deltaWeights: [1, 2, 3, 4] } });
    expect(c.input.resizePolicy).toBe('window');
    expect([c.input.minSize, c.input.maxSize, c.input.transform]).toEqual([320, 480, 'card']);
    expect(c.detection.deltaWeights).toEqual([1, 2, 3, 4]);
    expect(c.detection.scoreThreshold).toBe(0.05);
  });

  it('divides channel counts with widthDivOverrides', () => {
    const c = resolveConfig(widthDivOverrides(8));
    expect([c.backbone.widthDiv, c.fpn.channels, c.boxHead.fcDim, c.boxHead.convChannels, c.mask.channels]).toEqual([8, 32, 128, 32, 16]);
    expect(() => widthDivOverrides(3)).toThrow(ConfigError);
  });

  it('throws ConfigError naming the field', () => {
    const err = thrown(() => resolveConfig({ input: { minSize: 300 } }));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toBeInstanceOf(MrcnnError);
    expect((err as ConfigError).path).toBe('input.minSize');
    expect((err as ConfigError).name).toBe('ConfigError');
    expect(() => resolveConfig({ input: { minSize: 300 } })).toThrow(/input\.minSize/);
    expect(() => resolveConfig({ rpn: { convs: 0 } })).toThrow(/rpn\.convs/);
    expect(() => resolveConfig({ boxHead: { fcs: 0 } })).toThrow(/boxHead\.fcs/);
    expect(() => resolveConfig({ rpn: { nmsThreshold: 1.5 } })).toThrow(ConfigError);
    expect(() => resolveConfig({ detection: { ordering: 'random' as 'score' } })).toThrow(/detection\.ordering/);
    expect(() => resolveConfig({ anchors: { widths: [[1, 2, 3]] } })).toThrow(/anchors\.widths/);
  });

  it('is plain JSON: a config survives JSON and resolves to itself', () => {
    for (const c of [DEFAULT_0049_CONFIG, DEFAULT_TORCHVISION_CONFIG, DEFAULT_TORCHVISION_V2_CONFIG, resolveConfig(widthDivOverrides(8))]) {
      const json: unknown = JSON.parse(JSON.stringify(c));
      expect(json).toEqual(c);
      expect(resolveConfig(json as typeof c)).toEqual(c);
    }
  });
});
