/**
 * Full size (`npm run test:parity`, cache .cache/oracle/tvx-k1 made by `npm run oracle`): torchvision's
 * maskrcnn_resnet50_fpn (v1) and maskrcnn_resnet50_fpn_v2 with seeded weights, run as torchvision runs
 * them (its own builders/classes and GeneralizedRCNNTransform on the original image), against this
 * project's convert → load → preprocess/execute/detect (tv_exact_suite.ts) on wasm: 4 images at the
 * default 800/1333, the two odd-sized ones also at 320/480. Every im_data value is compared.
 */
import * as path from 'path';
import { ORACLE_CACHE_K1, ORACLE_CACHE_TVX_K1 } from '../helpers/paths';
import { describeTvExact, TvExactTolerances } from './tv_exact_suite';

const goldens = ['v1', 'v2'].flatMap((v) => [
  ...['square', 'landscape', 'portrait', 'crop'].map((i) => `${v}_${i}_800`),
  ...['landscape', 'crop'].map((i) => `${v}_${i}_320`),
]);

// Measured maxima over the 6 goldens of each model on wasm in the comments.
const TOL: TvExactTolerances = {
  imData: 2.5e-7, // (one float32 ulp, as at K=8)
  detIoU: 0.99, //
  detScore: 1e-3, //
  tie: 1e-4, //
  mask: 1e-3, //
  pastedIoU: 0.99, //
  pastedXor: 2, //
};

describeTvExact({
  title: 'torchvision exact K=1',
  checkpoints: {
    v1: path.join(ORACLE_CACHE_K1, 'torchvision', 'model_torchvision.pth'),
    v2: path.join(ORACLE_CACHE_TVX_K1, 'model_torchvision_v2.pth'),
  },
  goldenDir: ORACLE_CACHE_TVX_K1,
  goldens,
  backends: ['wasm'],
  tol: { v1: TOL, v2: TOL },
});
