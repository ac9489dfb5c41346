/**
 * RPN anchors of one pyramid level, [h·w·A, 4] (x1, y1, x2, y2), flattened in (y, x, anchor) order
 * to match the NHWC head outputs.
 * - 'table' (0049, segmentoly prior_box.py): cell = [−w/2, −h/2, w/2, h/2] (no ±1), centre
 *   ((x + offset)·stride, (y + offset)·stride) with offset 0.5.
 * - 'sizesRatios' (torchvision AnchorGenerator): h_r = sqrt(ratio), w_r = 1/h_r, ws = w_r·size,
 *   hs = h_r·size (ratio-major), cell = round([−ws, −hs, ws, hs] / 2), centre (x·stride, y·stride).
 * Computed in float32 arithmetic (Math.fround) as the PyTorch oracle does.
 */
import type { AnchorsConfig } from '@mrcnn/schema';

const f = Math.fround;

/** Cell anchors of level `level` (index into anchors.strides), [A·4]. */
export function cellAnchors(cfg: AnchorsConfig, level: number): Float32Array {
  const out: number[] = [];
  if (cfg.kind === 'table') {
    const ws = cfg.widths[level];
    const hs = cfg.heights[level];
    ws.forEach((w, a) => {
      const h = hs[a];
      out.push(-f(w) / 2, -f(h) / 2, f(w) / 2, f(h) / 2);
    });
  } else {
    for (const r of cfg.ratios) {
      const hr = f(Math.sqrt(f(r)));
      const wr = f(1 / hr);
      for (const s of cfg.sizes[level]) {
        const ws = f(wr * s);
        const hs = f(hr * s);
        // torch.round rounds half to even; the values here are never exact halves in practice.
        out.push(Math.round(-ws / 2), Math.round(-hs / 2), Math.round(ws / 2), Math.round(hs / 2));
      }
    }
  }
  return new Float32Array(out);
}

/**
 * All anchors of a level with a grid of `gridH` x `gridW` cells; the grid strides default to the
 * level's configured stride (proposals.ts passes torchvision's input-derived strides).
 */
export function levelAnchors(cfg: AnchorsConfig, level: number, gridH: number, gridW: number,
  strideY: number = cfg.strides[level], strideX: number = cfg.strides[level]): Float32Array {
  const cells = cellAnchors(cfg, level);
  const a = cells.length / 4;
  const offY = f(strideY * cfg.offset);
  const offX = f(strideX * cfg.offset);
  const out = new Float32Array(gridH * gridW * a * 4);
  let o = 0;
  for (let y = 0; y < gridH; y++) {
    const cy = f(f(y * strideY) + offY);
    for (let x = 0; x < gridW; x++) {
      const cx = f(f(x * strideX) + offX);
      for (let k = 0; k < a; k++) {
        out[o++] = cx + cells[k * 4];
        out[o++] = cy + cells[k * 4 + 1];
        out[o++] = cx + cells[k * 4 + 2];
        out[o++] = cy + cells[k * 4 + 3];
      }
    }
  }
  return out;
}
