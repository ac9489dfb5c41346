/**
 * The GPGPU program of MultiLevelRoIAlign: one fragment per output element (r, ph, pw, c), all
 * levels in one program. The RoI's level is chosen in the shader with area thresholds (exact in
 * float32, no log2), then torchvision's roi_align sampling runs on that level's texture.
 * Shapes and attrs are baked into the source (tfjs caches one compiled program per shape set,
 * as it does for its own kernels).
 */
import type { GPGPUProgram } from '@tensorflow/tfjs-backend-webgl';
import { levelInputName, ROI_INPUT_NAME, RoIAreaMode } from '../../kernel_names';
import { levelAreaThresholds, ResolvedRoIAlignAttrs } from '../../roi_align_attrs';

/** A GLSL float literal for a finite number. */
function f(v: number): string {
  const s = String(v);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

function capitalised(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** Bilinear sample of level i at (y, x), channel c, torchvision's border rules. */
function bilinearSnippet(i: number, height: number, width: number): string {
  const get = `get${capitalised(levelInputName(i))}`;
  return `
    float bilinear${i}(float y, float x, int c) {
      if (y < -1.0 || y > ${f(height)} || x < -1.0 || x > ${f(width)}) return 0.0;
      y = max(y, 0.0);
      x = max(x, 0.0);
      int y0 = int(y);
      int x0 = int(x);
      int y1 = y0 + 1;
      int x1 = x0 + 1;
      if (y0 >= ${height - 1}) { y0 = ${height - 1}; y1 = y0; y = float(y0); }
      if (x0 >= ${width - 1}) { x0 = ${width - 1}; x1 = x0; x = float(x0); }
      float ly = y - float(y0);
      float lx = x - float(x0);
      float hy = 1.0 - ly;
      float hx = 1.0 - lx;
      return hy * hx * ${get}(0, y0, x0, c) + hy * lx * ${get}(0, y0, x1, c)
           + ly * hx * ${get}(0, y1, x0, c) + ly * lx * ${get}(0, y1, x1, c);
    }`;
}

export class MultiLevelRoIAlignProgram implements GPGPUProgram {
  readonly variableNames: string[];
  readonly outputShape: number[];
  readonly userCode: string;

  constructor(levelShapes: ReadonlyArray<readonly number[]>, numRois: number, a: ResolvedRoIAlignAttrs) {
    const numLevels = levelShapes.length;
    const channels = levelShapes[0][3];
    const n = a.outputSize;
    this.variableNames = [ROI_INPUT_NAME, ...levelShapes.map((_, i) => levelInputName(i))];
    this.outputShape = [numRois, n, n, channels];
    const thresholds = levelAreaThresholds(a, numLevels);
    const plus = a.areaMode === RoIAreaMode.LegacyPlusOne ? 1 : 0;
    const offset = a.aligned ? 0.5 : 0;
    const levelPick = thresholds.map((t, i) => `if (area >= ${f(t)}) { lvl = ${i + 1}; scale = ${f(a.spatialScales[i + 1])}; }`).join('\n      ');
    const sample = levelShapes.map((_, i) => `${i > 0 ? 'else ' : ''}if (lvl == ${i}) sum += bilinear${i}(y, x, c);`).join('\n            ');
    const clampSize = a.aligned ? '' : 'roiW = max(roiW, 1.0); roiH = max(roiH, 1.0);';
    const grid = a.samplingRatio > 0
      ? `int gridW = ${a.samplingRatio}; int gridH = ${a.samplingRatio};`
      : `int gridW = int(ceil(roiW / ${f(n)})); int gridH = int(ceil(roiH / ${f(n)}));`;
    this.userCode = `
    ${levelShapes.map((s, i) => bilinearSnippet(i, s[1], s[2])).join('\n')}

    void main() {
      ivec4 coords = getOutputCoords();
      int r = coords[0];
      int ph = coords[1];
      int pw = coords[2];
      int c = coords[3];
      float x1 = getRois(r, 0);
      float y1 = getRois(r, 1);
      float x2 = getRois(r, 2);
      float y2 = getRois(r, 3);
      float aw = x2 - x1 + ${f(plus)};
      float ah = y2 - y1 + ${f(plus)};
      float area = (aw > 0.0 && ah > 0.0) ? aw * ah : 0.0;
      int lvl = 0;
      float scale = ${f(a.spatialScales[0])};
      ${levelPick}
      float startX = x1 * scale - ${f(offset)};
      float startY = y1 * scale - ${f(offset)};
      float roiW = x2 * scale - ${f(offset)} - startX;
      float roiH = y2 * scale - ${f(offset)} - startY;
      ${clampSize}
      float binW = roiW / ${f(n)};
      float binH = roiH / ${f(n)};
      ${grid}
      float sum = 0.0;
      for (int iy = 0; iy < gridH; iy++) {
        float y = startY + float(ph) * binH + (float(iy) + 0.5) * binH / float(gridH);
        for (int ix = 0; ix < gridW; ix++) {
          float x = startX + float(pw) * binW + (float(ix) + 0.5) * binW / float(gridW);
            ${sample}
        }
      }
      setOutput(sum / float(max(gridW * gridH, 1)));
    }`;
  }
}
