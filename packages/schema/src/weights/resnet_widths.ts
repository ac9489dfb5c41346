/** Channel widths of the ResNet body (stem, bottleneck inner widths, stage outputs C2..C5). */
export interface ResnetWidths {
  stem: number;
  inner: number[];
  out: number[];
}

/** ResNet50/101 widths for a width divisor K (1 = real size: stem 64, inner 64..512, out 256..2048). */
export function resnetWidths(widthDiv: number): ResnetWidths {
  const inner = [64, 128, 256, 512].map((c) => c / widthDiv);
  return { stem: 64 / widthDiv, inner, out: inner.map((c) => c * 4) };
}
