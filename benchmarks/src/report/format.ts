/** Number formatting shared by the reports. */
export function sec(ms: number | undefined): string {
  return ms === undefined || !Number.isFinite(ms) ? '—' : (ms / 1000).toFixed(2);
}

export function fixed(x: number | undefined, digits = 1): string {
  return x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(digits);
}

export const STAGE_LABELS: Record<string, string> = {
  preprocess: 'preprocess', backbone: 'backbone (incl. mean)', fpn: 'FPN', rpnProposals: 'RPN + proposals',
  boxHead: 'box RoIAlign + head', detectionOutput: 'detection output', maskHead: 'mask RoIAlign + head', paste: 'paste',
};
