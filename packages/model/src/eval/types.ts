/**
 * COCO data-set and result shapes as the evaluator reads them (the `instances_*.json` layout and the
 * results list `loadRes` accepts). Only the fields the evaluation uses are typed.
 */
import type { CocoRle, RleCounts } from '../postprocess/rle';

/** One polygon is a flat list [x0, y0, x1, y1, ...] in pixel coordinates. */
export type Polygons = number[][];
export type Segmentation = Polygons | CocoRle | RleCounts;
/** [x, y, width, height] (COCO). */
export type BboxXywh = [number, number, number, number];

export interface CocoImage {
  id: number;
  width: number;
  height: number;
  file_name?: string;
}

export interface CocoCategory {
  id: number;
  name?: string;
}

export interface CocoAnnotation {
  id: number;
  image_id: number;
  category_id: number;
  iscrowd?: number | boolean;
  /** Area used for the area ranges (as written in the file for ground truth). */
  area: number;
  bbox: BboxXywh;
  segmentation?: Segmentation;
}

/** A detection after `loadResults`: an annotation with a score (iscrowd 0, id = index + 1). */
export interface CocoDetection extends CocoAnnotation {
  score: number;
}

export interface CocoDataset {
  images: CocoImage[];
  annotations: CocoAnnotation[];
  categories: CocoCategory[];
}

/**
 * One entry of a COCO results file: `bbox` for box results, `segmentation` (RLE) for mask results.
 * The one results shape of the project: `mrcnn detect` writes both fields, `mrcnn eval` evaluates them.
 */
export interface CocoResult {
  image_id: number;
  category_id: number;
  score: number;
  bbox?: BboxXywh;
  segmentation?: CocoRle | RleCounts;
}

export type IouType = 'bbox' | 'segm';

/** COCOeval.Params for 'bbox' / 'segm'. */
export interface EvalParams {
  imgIds: number[];
  catIds: number[];
  iouThrs: number[];
  recThrs: number[];
  maxDets: number[];
  areaRng: [number, number][];
  areaRngLbl: string[];
}
