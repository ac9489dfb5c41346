/**
 * torchvision's GeneralizedRCNNTransform (eval): normalise, resize by its float32 scale, pad to
 * multiples of 32; boxes back by its per-axis ratios, masks by its paste_masks_in_image
 * (preprocess/torchvision_transform.ts, postprocess/torchvision_paste.ts). It has one resize rule,
 * the card's `fit` (shorter side to minSize unless the longer exceeds maxSize); `window` is refused.
 */
import type { ResizePolicy } from '@mrcnn/schema';
import { ArgumentError } from '../errors';
import { pasteMaskTorchvisionPlaced, torchvisionOriginalBox } from '../postprocess/torchvision_paste';
import {
  prepareTorchvisionPixels, prepareTorchvisionPixelsInto, prepareTorchvisionTensor, torchvisionGeometry,
} from '../preprocess/torchvision_transform';
import type { ImageTransform } from './image_transform';

function onlyFit(policy: ResizePolicy): void {
  if (policy !== 'fit') {
    throw new ArgumentError('policy', `the torchvision transform has one resize rule, 'fit' (min/max size); got ${JSON.stringify(policy)}`);
  }
}

export const TORCHVISION_TRANSFORM: ImageTransform = {
  geometry(h0, w0, policy, input) {
    onlyFit(policy);
    return torchvisionGeometry(h0, w0, input);
  },
  preparePixels(pixels, policy, input) {
    onlyFit(policy);
    return prepareTorchvisionPixels(pixels, input);
  },
  preparePixelsInto(pixels, policy, input, out) {
    onlyFit(policy);
    return prepareTorchvisionPixelsInto(pixels, input, out);
  },
  prepareTensor(rgb, policy, input) {
    onlyFit(policy);
    return prepareTorchvisionTensor(rgb, input);
  },
  originalBox: torchvisionOriginalBox,
  pasteMask(heatmap, m, box, g, threshold, crop = false) {
    return pasteMaskTorchvisionPlaced(heatmap, m, box, g.originalWidth, g.originalHeight, threshold, crop);
  },
};
