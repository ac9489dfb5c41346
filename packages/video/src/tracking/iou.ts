/** Box overlap for the tracker: boxes are [x1, y1, x2, y2] in pixels (x2 > x1 for a non-empty box). */

export type Box = readonly [number, number, number, number] | readonly number[];

/** Intersection over union of two boxes (0 when either is empty). */
export function boxIoU(a: Box, b: Box): number {
  const iw = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const ih = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (iw <= 0 || ih <= 0) return 0;
  const inter = iw * ih;
  const areaA = (a[2] - a[0]) * (a[3] - a[1]);
  const areaB = (b[2] - b[0]) * (b[3] - b[1]);
  return inter / (areaA + areaB - inter);
}

/** IoU of every row box with every column box: [rows][cols]. */
export function iouMatrix(rows: readonly Box[], cols: readonly Box[]): number[][] {
  return rows.map((r) => cols.map((c) => boxIoU(r, c)));
}
