/**
 * The one colour scheme of every overlay (`mrcnn detect`'s PNGs, the canvas helpers, the demo
 * page): a colour per instance, by its rank in the detection list (the best-scoring instance first),
 * so that two instances of one class are told apart. Saturated, well-separated colours, no greys
 * (Sasha Trubetskoy's list of 20 distinct colours, its first 12).
 */
export type Rgb = readonly [number, number, number];

export const INSTANCE_PALETTE: readonly Rgb[] = Object.freeze([
  [230, 25, 75], [60, 180, 75], [0, 130, 200], [245, 130, 48], [145, 30, 180], [70, 240, 240],
  [240, 50, 230], [210, 245, 60], [0, 128, 128], [170, 110, 40], [128, 0, 0], [0, 0, 128],
] as const);

/** The colour of the instance at `index` of a detection list (cycling through the palette). */
export function instanceColor(index: number): Rgb {
  const n = INSTANCE_PALETTE.length;
  return INSTANCE_PALETTE[((Math.trunc(index) % n) + n) % n];
}

/** Black or white, whichever reads better on `bg` (ITU-R 601 luma). */
export function textColorOn(bg: Rgb): Rgb {
  return 0.299 * bg[0] + 0.587 * bg[1] + 0.114 * bg[2] > 150 ? [0, 0, 0] : [255, 255, 255];
}
