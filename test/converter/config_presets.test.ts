/**
 * The converter cannot import @mrcnn/model (the model depends on it), so it carries its own copy of
 * the two architecture presets: they must stay equal to the model's defaults.
 */
import { preset0049, presetTorchvision } from '@mrcnn/weights-converter';
import { DEFAULT_0049_CONFIG, DEFAULT_TORCHVISION_CONFIG, resolveConfig } from '../../packages/model/src/config';

describe('converter presets', () => {
  it('equal the model package defaults and pass its validation', () => {
    expect(JSON.parse(JSON.stringify(preset0049()))).toEqual(JSON.parse(JSON.stringify(DEFAULT_0049_CONFIG)));
    expect(JSON.parse(JSON.stringify(presetTorchvision()))).toEqual(JSON.parse(JSON.stringify(DEFAULT_TORCHVISION_CONFIG)));
    expect(resolveConfig(presetTorchvision() as never, DEFAULT_0049_CONFIG)).toEqual(DEFAULT_TORCHVISION_CONFIG);
  });
});
