/**
 * The 0049 model card's transform: the `fit`/`window` resize into minSize x maxSize (rounded sizes,
 * bilinear of the 0..255 image), padding to at least minSize x maxSize, the mean subtracted in the
 * network; boxes back by 1/s, masks by segmentoly's paste (preprocess/prepare.ts, postprocess/paste.ts).
 */
import { pasteMask, pasteMaskCropped } from '../postprocess/paste';
import { cardGeometry } from '../preprocess/geometry';
import { assertFiniteTensor } from '../preprocess/image_input';
import { preparePixels, preparePixelsIntoCard, prepareRgbTensor } from '../preprocess/prepare';
import type { ImageTransform } from './image_transform';

export const CARD_TRANSFORM: ImageTransform = {
  geometry: cardGeometry,
  preparePixels,
  preparePixelsInto: preparePixelsIntoCard,
  async prepareTensor(rgb, policy, input) {
    await assertFiniteTensor(rgb, 'image');
    return prepareRgbTensor(rgb, policy, input);
  },
  originalBox(boxes, row, g) {
    const o = row * 4;
    return [boxes[o] / g.scale, boxes[o + 1] / g.scale, boxes[o + 2] / g.scale, boxes[o + 3] / g.scale];
  },
  pasteMask(heatmap, m, box, g, threshold, crop = false) {
    if (crop) return pasteMaskCropped(heatmap, m, box, g.originalWidth, g.originalHeight, { threshold });
    return { x: 0, y: 0, ...pasteMask(heatmap, m, box, g.originalWidth, g.originalHeight, { threshold }) };
  },
};
