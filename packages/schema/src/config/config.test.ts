import { ConfigError, MrcnnError } from '../errors';
import { DEFAULT_0049_CONFIG, DEFAULT_TORCHVISION_CONFIG, widthDivOverrides } from './defaults';
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

  it('validates the torchvision defaults', () => {
    const c = resolveConfig({}, DEFAULT_TORCHVISION_CONFIG);
    expect(c).toEqual(DEFAULT_TORCHVISION_CONFIG);
    expect(anchorsPerLocation(c.anchors)).toBe(3);
  });

  it('merges nested overrides and replaces arrays whole', () => {
    const c = resolveConfig({ input: { resizePolicy: 'window' }, detection: { deltaWeights: [1, 2, 3, 4] } });
    expect(c.input.resizePolicy).toBe('window');
    expect(c.input.height).toBe(320);
    expect(c.detection.deltaWeights).toEqual([1, 2, 3, 4]);
    expect(c.detection.scoreThreshold).toBe(0.05);
  });

  it('divides channel counts with widthDivOverrides', () => {
    const c = resolveConfig(widthDivOverrides(8));
    expect([c.backbone.widthDiv, c.fpn.channels, c.boxHead.fcDim, c.mask.channels]).toEqual([8, 32, 128, 16]);
    expect(() => widthDivOverrides(3)).toThrow(ConfigError);
  });

  it('throws ConfigError naming the field', () => {
    const err = thrown(() => resolveConfig({ input: { height: 300 } }));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toBeInstanceOf(MrcnnError);
    expect((err as ConfigError).path).toBe('input.height');
    expect((err as ConfigError).name).toBe('ConfigError');
    expect(() => resolveConfig({ input: { height: 300 } })).toThrow(/input\.height/);
    expect(() => resolveConfig({ rpn: { nmsThreshold: 1.5 } })).toThrow(ConfigError);
    expect(() => resolveConfig({ detection: { ordering: 'random' as 'score' } })).toThrow(/detection\.ordering/);
    expect(() => resolveConfig({ anchors: { widths: [[1, 2, 3]] } })).toThrow(/anchors\.widths/);
  });

  it('is plain JSON: a config survives JSON and resolves to itself', () => {
    for (const c of [DEFAULT_0049_CONFIG, DEFAULT_TORCHVISION_CONFIG, resolveConfig(widthDivOverrides(8))]) {
      const json: unknown = JSON.parse(JSON.stringify(c));
      expect(json).toEqual(c);
      expect(resolveConfig(json as typeof c)).toEqual(c);
    }
  });
});
