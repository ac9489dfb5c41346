/**
 * The reference multi-level RoIAlign on typed arrays (NHWC, batch 1): the semantics every backend
 * is tested against. Per RoI: pick the level, then torchvision's roi_align (Caffe2 when not aligned).
 */
import { ResolvedRoIAlignAttrs, roiLevelIndex, roiMappingArea } from '../../roi_align_attrs';

export interface FeatureLevel {
  /** [height, width, channels] row-major (NHWC without the batch). */
  readonly data: Float32Array;
  readonly height: number;
  readonly width: number;
}

/** One RoI on one level in feature-map coordinates: start, bin size and grid. */
export interface RoIGeometry {
  startX: number;
  startY: number;
  binW: number;
  binH: number;
  gridW: number;
  gridH: number;
  /** 1 / max(gridW * gridH, 1). */
  invCount: number;
}

export function roiGeometry(x1: number, y1: number, x2: number, y2: number, scale: number,
  a: ResolvedRoIAlignAttrs): RoIGeometry {
  const offset = a.aligned ? 0.5 : 0;
  const startX = x1 * scale - offset;
  const startY = y1 * scale - offset;
  let roiW = x2 * scale - offset - startX;
  let roiH = y2 * scale - offset - startY;
  if (!a.aligned) {
    roiW = Math.max(roiW, 1);
    roiH = Math.max(roiH, 1);
  }
  const n = a.outputSize;
  const binW = roiW / n;
  const binH = roiH / n;
  const gridW = a.samplingRatio > 0 ? a.samplingRatio : Math.ceil(roiW / n);
  const gridH = a.samplingRatio > 0 ? a.samplingRatio : Math.ceil(roiH / n);
  return { startX, startY, binW, binH, gridW, gridH, invCount: 1 / Math.max(gridW * gridH, 1) };
}

/**
 * Adds weight * bilinear(feature, y, x) to acc[0..C) with torchvision's border rules:
 * points beyond one pixel outside the map contribute 0, others clamp to the edge.
 */
function accumulateBilinear(acc: Float64Array, f: FeatureLevel, channels: number, yIn: number, xIn: number): void {
  const { height, width, data } = f;
  if (yIn < -1 || yIn > height || xIn < -1 || xIn > width) return;
  let y = yIn <= 0 ? 0 : yIn;
  let x = xIn <= 0 ? 0 : xIn;
  let y0 = Math.floor(y);
  let x0 = Math.floor(x);
  let y1: number;
  let x1: number;
  if (y0 >= height - 1) { y0 = height - 1; y1 = y0; y = y0; } else { y1 = y0 + 1; }
  if (x0 >= width - 1) { x0 = width - 1; x1 = x0; x = x0; } else { x1 = x0 + 1; }
  const ly = y - y0;
  const lx = x - x0;
  const hy = 1 - ly;
  const hx = 1 - lx;
  const w00 = hy * hx;
  const w01 = hy * lx;
  const w10 = ly * hx;
  const w11 = ly * lx;
  const p00 = (y0 * width + x0) * channels;
  const p01 = (y0 * width + x1) * channels;
  const p10 = (y1 * width + x0) * channels;
  const p11 = (y1 * width + x1) * channels;
  for (let c = 0; c < channels; c++) {
    acc[c] += w00 * data[p00 + c] + w01 * data[p01 + c] + w10 * data[p10 + c] + w11 * data[p11 + c];
  }
}

/**
 * rois: [numRois, 4] x1, y1, x2, y2 in input-image pixels. Returns [numRois, size, size, C].
 */
export function multiLevelRoIAlignImpl(levels: readonly FeatureLevel[], channels: number,
  rois: ArrayLike<number>, numRois: number, a: ResolvedRoIAlignAttrs): Float32Array {
  const n = a.outputSize;
  const out = new Float32Array(numRois * n * n * channels);
  const acc = new Float64Array(channels);
  for (let r = 0; r < numRois; r++) {
    const x1 = rois[r * 4];
    const y1 = rois[r * 4 + 1];
    const x2 = rois[r * 4 + 2];
    const y2 = rois[r * 4 + 3];
    const li = roiLevelIndex(roiMappingArea(x1, y1, x2, y2, a.areaMode), a, levels.length);
    const f = levels[li];
    const g = roiGeometry(x1, y1, x2, y2, a.spatialScales[li], a);
    for (let ph = 0; ph < n; ph++) {
      for (let pw = 0; pw < n; pw++) {
        acc.fill(0);
        for (let iy = 0; iy < g.gridH; iy++) {
          const y = g.startY + ph * g.binH + (iy + 0.5) * g.binH / g.gridH;
          for (let ix = 0; ix < g.gridW; ix++) {
            const x = g.startX + pw * g.binW + (ix + 0.5) * g.binW / g.gridW;
            accumulateBilinear(acc, f, channels, y, x);
          }
        }
        const o = ((r * n + ph) * n + pw) * channels;
        for (let c = 0; c < channels; c++) out[o + c] = acc[c] * g.invCount;
      }
    }
  }
  return out;
}
