import { ConfigError } from '../errors';
import { DEFAULT_0049_CONFIG, DEFAULT_TORCHVISION_CONFIG, DEFAULT_TORCHVISION_V2_CONFIG } from './defaults';
import { isVariantName, variant, variantNames, VARIANTS } from './variants';

describe('VARIANTS', () => {
  it('names the three architectures, each a valid config', () => {
    expect(variantNames()).toEqual(['0049', 'torchvision-v1', 'torchvision-v2']);
    expect(variant('0049')).toEqual(DEFAULT_0049_CONFIG);
    expect(variant('torchvision-v1')).toEqual(DEFAULT_TORCHVISION_CONFIG);
    expect(variant('torchvision-v2')).toEqual(DEFAULT_TORCHVISION_V2_CONFIG);
    expect(VARIANTS['torchvision-v2'].name).toBe('torchvision-maskrcnn_resnet50_fpn_v2');
    expect(VARIANTS['0049'].name).toBe('instance-segmentation-security-0049');
    expect(VARIANTS['torchvision-v1'].name).toBe('torchvision-maskrcnn_resnet50_fpn');
  });

  it('returns a fresh copy: changing it leaves the table as it was', () => {
    const v = variant('0049') as { numClasses: number; input: { mean: number[] } };
    v.numClasses = 7;
    v.input.mean[0] = 0;
    expect(VARIANTS['0049'].numClasses).toBe(81);
    expect(VARIANTS['0049'].input.mean[0]).toBe(102.9801);
  });

  it('refuses an unknown name with ConfigError listing the known ones', () => {
    expect(isVariantName('torchvision-v3')).toBe(false);
    expect(isVariantName('toString')).toBe(false);
    expect(() => variant('toString')).toThrow(ConfigError);
    expect(() => variant('resnet101')).toThrow(/invalid config variant: unknown architecture "resnet101"; known: 0049, torchvision-v1, torchvision-v2/);
  });
});
