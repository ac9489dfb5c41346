/**
 * The WGSL compute program of MultiLevelRoIAlign: one invocation per output element (r, ph, pw, c),
 * or per 4 channels of it (vec4) when C % 4 == 0, all levels in one dispatch, reading every level's
 * storage buffer directly (no download to the CPU). The RoI's level is chosen in the shader with
 * area thresholds (exact in float32, no log2), then torchvision's roi_align sampling runs on that
 * level, its geometry in float32 as torchvision computes it.
 *
 * The attrs (output size, sampling ratio, aligned, area mode, thresholds, scales) are baked into
 * the source and the shader key; the feature maps' shapes come from tfjs's shape uniforms, so one
 * pipeline serves every image size (tfjs caches pipelines by shader key).
 */
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { levelInputName, ROI_INPUT_NAME, RoIAreaMode } from '../../kernel_names';
import { levelAreaThresholds, ResolvedRoIAlignAttrs } from '../../roi_align_attrs';

/** Invocations per workgroup (flat dispatch, as tfjs's own element-wise programs). */
const WORKGROUP_SIZE = 64;

/** A WGSL f32 literal for a finite number (Math.fround'ed: what the shader holds). */
export function wgslFloat(v: number): string {
  const s = String(Math.fround(v));
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

function getter(level: number): string {
  const name = levelInputName(level);
  return `get${name.charAt(0).toUpperCase()}${name.slice(1)}`;
}

/** The shape uniform tfjs declares for level i ([1, H, W, C] as vec4<i32>). */
function shapeUniform(level: number): string {
  return `uniforms.${levelInputName(level)}Shape`;
}

/**
 * Bilinear sample of level i at (y, x), channels c.. (one or four), with torchvision's border rules:
 * beyond one pixel outside the map 0, else clamped to the edge.
 */
function bilinearSnippet(i: number, type: string): string {
  const get = getter(i);
  return `
    fn bilinear${i}(yIn : f32, xIn : f32, c : i32) -> ${type} {
      let height = ${shapeUniform(i)}.y;
      let width = ${shapeUniform(i)}.z;
      if (yIn < -1.0 || yIn > f32(height) || xIn < -1.0 || xIn > f32(width)) {
        return ${type}(0.0);
      }
      var y = max(yIn, 0.0);
      var x = max(xIn, 0.0);
      var y0 = i32(y);
      var x0 = i32(x);
      var y1 = y0 + 1;
      var x1 = x0 + 1;
      if (y0 >= height - 1) { y0 = height - 1; y1 = y0; y = f32(y0); }
      if (x0 >= width - 1) { x0 = width - 1; x1 = x0; x = f32(x0); }
      let ly = y - f32(y0);
      let lx = x - f32(x0);
      let hy = 1.0 - ly;
      let hx = 1.0 - lx;
      return hy * hx * ${get}(0, y0, x0, c) + hy * lx * ${get}(0, y0, x1, c)
           + ly * hx * ${get}(0, y1, x0, c) + ly * lx * ${get}(0, y1, x1, c);
    }`;
}

export class MultiLevelRoIAlignProgram implements WebGPUProgram {
  readonly variableNames: string[];
  /** rois as scalars; the levels as vec4 when `outputComponent` is 4. */
  readonly variableComponents: number[];
  readonly outputComponent: number;
  readonly outputShape: number[];
  readonly dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  readonly workgroupSize: [number, number, number] = [WORKGROUP_SIZE, 1, 1];
  /** tfjs adds a `size` uniform: output elements / outputComponent. */
  readonly size = true;
  shaderKey: string;
  private readonly attrs: ResolvedRoIAlignAttrs;
  private readonly numLevels: number;

  constructor(numLevels: number, numRois: number, channels: number, a: ResolvedRoIAlignAttrs) {
    const n = a.outputSize;
    this.attrs = a;
    this.numLevels = numLevels;
    this.outputComponent = channels % 4 === 0 ? 4 : 1;
    this.variableNames = [ROI_INPUT_NAME, ...Array.from({ length: numLevels }, (_, i) => levelInputName(i))];
    this.variableComponents = [1, ...Array.from({ length: numLevels }, () => this.outputComponent)];
    this.outputShape = [numRois, n, n, channels];
    this.dispatchLayout = { x: [0, 1, 2, 3] };
    const invocations = (numRois * n * n * channels) / this.outputComponent;
    this.dispatch = [Math.ceil(invocations / WORKGROUP_SIZE), 1, 1];
    const thresholds = levelAreaThresholds(a, numLevels).map(wgslFloat);
    this.shaderKey = ['mrcnnMultiLevelRoIAlign', numLevels, this.outputComponent, n, a.samplingRatio, a.aligned,
      a.areaMode, thresholds.join(','), a.spatialScales.map(wgslFloat).join(',')].join('_');
  }

  getUserCode(): string {
    const a = this.attrs;
    const n = wgslFloat(a.outputSize);
    const type = this.outputComponent === 4 ? 'vec4<f32>' : 'f32';
    const levels = Array.from({ length: this.numLevels }, (_, i) => i);
    const thresholds = levelAreaThresholds(a, this.numLevels);
    const plus = wgslFloat(a.areaMode === RoIAreaMode.LegacyPlusOne ? 1 : 0);
    const offset = wgslFloat(a.aligned ? 0.5 : 0);
    const levelPick = thresholds.map((t, i) => `if (area >= ${wgslFloat(t)}) { lvl = ${i + 1}; scale = ${wgslFloat(a.spatialScales[i + 1])}; }`)
      .join('\n        ');
    const sample = levels.map((i) => `${i > 0 ? 'else ' : ''}if (lvl == ${i}) { sum += bilinear${i}(y, x, c); }`)
      .join('\n            ');
    const clampSize = a.aligned ? '' : 'roiW = max(roiW, 1.0);\n        roiH = max(roiH, 1.0);';
    const grid = a.samplingRatio > 0
      ? `let gridW = ${a.samplingRatio}; let gridH = ${a.samplingRatio};`
      : `let gridW = i32(ceil(roiW / ${n})); let gridH = i32(ceil(roiH / ${n}));`;
    return `
    ${levels.map((i) => bilinearSnippet(i, type)).join('\n')}

    fn main(index : i32) {
      if (index >= uniforms.size) { return; }
      let coords = getCoordsFromIndex(index * ${this.outputComponent});
      let r = coords[0];
      let ph = coords[1];
      let pw = coords[2];
      let c = coords[3];
      let x1 = getRois(r, 0);
      let y1 = getRois(r, 1);
      let x2 = getRois(r, 2);
      let y2 = getRois(r, 3);
      let aw = x2 - x1 + ${plus};
      let ah = y2 - y1 + ${plus};
      var area = 0.0;
      if (aw > 0.0 && ah > 0.0) { area = aw * ah; }
      var lvl = 0;
      var scale = ${wgslFloat(a.spatialScales[0])};
      ${levelPick}
      let startX = x1 * scale - ${offset};
      let startY = y1 * scale - ${offset};
      var roiW = x2 * scale - ${offset} - startX;
      var roiH = y2 * scale - ${offset} - startY;
      ${clampSize}
      let binW = roiW / ${n};
      let binH = roiH / ${n};
      ${grid}
      var sum = ${type}(0.0);
      for (var iy = 0; iy < gridH; iy++) {
        let y = startY + f32(ph) * binH + (f32(iy) + 0.5) * binH / f32(gridH);
        for (var ix = 0; ix < gridW; ix++) {
          let x = startX + f32(pw) * binW + (f32(ix) + 0.5) * binW / f32(gridW);
          ${sample}
        }
      }
      setOutputAtIndex(index, sum / f32(max(gridW * gridH, 1)));
    }`;
  }
}
