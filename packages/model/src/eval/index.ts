/** COCO evaluation (pycocotools COCOeval semantics); the `mrcnn eval` command is @mrcnn/cli's. */
export * from './types';
export { CocoFormatError } from './errors';
export { defaultParams, linspace } from './params';
export { rleFromPolygon, rleFromBbox } from './polygon';
export { rleUnion, rleToBbox, bboxIou, rleIou, countsArea } from './rle_ops';
export { segmentationToRle } from './segmentation';
export { loadResults, validateDataset } from './load_results';
export { computeIou, evaluateImage, type ImageEval, type GtEntry, type DtEntry } from './evaluate_image';
export { accumulate, type Accumulated, type NdArray } from './accumulate';
export { summarize, STAT_NAMES, type CocoStats, type Summary } from './summarize';
export { evaluateCoco, evaluateDetections, type CocoEvalOptions, type CocoEvalResult } from './coco_eval';
export { mapClassesToCategories, type CategoryMapping } from './categories';
export { toXywh } from './results';
