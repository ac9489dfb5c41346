/**
 * The input convention of the stage-by-stage torchvision goldens (tools/oracle/torchvision_ref.py,
 * `oracle-tv-k8/astronaut_fit`, `.cache/oracle/k1/torchvision`): im_data is the card's `fit` resize
 * of the 0..255 RGB image into 320x480, and the network normalises it after the padding with
 * torchvision's mean/std in 0..255 units — i.e. the card transform with torchvision's statistics.
 * Those goldens test the network's stages on a fixed tensor; torchvision's own transform is tested
 * from the images by tv_exact_*.test.ts.
 */
import type { DeepPartial, ModelConfig } from '@mrcnn/schema';

export const TORCHVISION_CARD_INPUT: DeepPartial<ModelConfig> = {
  input: {
    transform: 'card', minSize: 320, maxSize: 480, mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375],
  },
};
