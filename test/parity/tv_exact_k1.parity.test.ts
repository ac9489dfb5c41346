/**
 * Full size (`npm run test:parity`, cache .cache/oracle/tvx-k1 made by `npm run oracle`): torchvision's
 * maskrcnn_resnet50_fpn (v1) and maskrcnn_resnet50_fpn_v2 with seeded weights, run as torchvision runs
 * them (its own builders/classes and GeneralizedRCNNTransform on the original image), against this
 * project's convert → load → preprocess/execute/detect (tv_exact_suite.ts) on wasm: 4 images at the
 * default 800/1333, the two odd-sized ones also at 320/480. Every im_data value is compared; detect
 * runs on every golden, execute (raw masks on the same im_data) on landscape_800 and crop_320.
 */
import * as path from 'path';
import { ORACLE_CACHE_K1, ORACLE_CACHE_TVX_K1 } from '../helpers/paths';
import { describeTvExact, TvExactTolerances } from './tv_exact_suite';

const goldens = ['v1', 'v2'].flatMap((v) => [
  ...['square', 'landscape', 'portrait', 'crop'].map((i) => `${v}_${i}_800`),
  ...['landscape', 'crop'].map((i) => `${v}_${i}_320`),
]);

// Measured maxima over the 6 goldens of each model on wasm in the comments (v1 / v2).
const TOL = (mask: number): TvExactTolerances => ({
  imData: 5e-7, // 4.8e-7: two float32 ulps (torch's 3-channel bilinear kernel; sizes exact)
  detIoU: 0.999, // min 0.99982 / 0.99968
  detScore: 1e-3, // 2.6e-4 / 5.2e-4
  tie: 1e-4, // no unmatched row
  mask, // below
  pastedIoU: 0.985, // min 0.9977 / 0.9900; 4 v1 rows (of 600) whose expanded box truncates to another
  // integer box (IoU 0.62..0.97 against torchvision's mask) give IoU >= 0.9985 with torchvision's
  // probabilities pasted into our box
  pastedXor: 2, // never needed
});

describeTvExact({
  title: 'torchvision exact K=1',
  checkpoints: {
    v1: path.join(ORACLE_CACHE_K1, 'torchvision', 'model_torchvision.pth'),
    v2: path.join(ORACLE_CACHE_TVX_K1, 'model_torchvision_v2.pth'),
  },
  goldenDir: ORACLE_CACHE_TVX_K1,
  goldens,
  backends: ['wasm'],
  tol: { v1: TOL(3e-3), v2: TOL(6e-3) }, // masks on the same im_data: 1.8e-3 / 4.3e-3 (3.8e-3 with F(2x2) on the FPN and RPN)
  // detect end to end on every golden; execute's raw masks (a second forward) on two per model.
  runs: (_backend, golden, part) => part !== 'network' || /_(landscape_800|crop_320)$/.test(golden),
});
