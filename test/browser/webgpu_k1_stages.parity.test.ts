/**
 * Full-size (K = 1) stage-by-stage parity of the 0049 network on tfjs-backend-webgpu in headless
 * Chromium (WebGPU on SwiftShader's Vulkan) with the oracle cache (.cache/oracle/k1, `npm run
 * oracle`): the suite and stage checks of test/parity/k1_stages.parity.test.ts, run in the page
 * (test/browser/parity_target.ts), the weights converted by @mrcnn/weights-converter and loaded
 * from model.json over HTTP. astronaut_fit checks every stage from the oracle's inputs and end to
 * end from its im_data; chelsea_window runs end to end from the image (@mrcnn/model's
 * preprocessing on webgpu). SwiftShader runs the GPU work on the CPU: one full-size execute takes
 * minutes here, so only these two goldens run (`npm run test:parity -- test/browser`).
 * Fails, never skips, when /usr/bin/chromium is missing.
 */
import * as path from 'path';
import { DEFAULT_0049_CONFIG } from '@mrcnn/schema';
import { ORACLE_CACHE_K1 } from '../helpers/paths';
import { describeParity, ParityTolerances, TestGroup } from '../parity/parity_suite';
import { chromiumParityTarget } from './parity_target';

const END_TO_END: readonly TestGroup[] = ['e2e'];

// Measured maxima (webgpu on SwiftShader, Chromium 156) in the comments.
const TOL_WEBGPU: ParityTolerances = {
  backbone: 1e-3,
  fpn: 1e-4,
  rpn: 1e-4,
  roiFeats: 1e-4,
  logits: 1e-3,
  proposalScore: 1e-5,
  proposalBox: 1e-3,
  proposalScoreFromImage: 1e-4, // (unused: every golden holds the RPN maps)
  proposalBoxFromImage: 5e-2,
  tie: 1e-5,
  detIoU: 0.99,
  detScore: 1e-3,
  degenerateBox: 0.1, // (no degenerate detection at K=1)
  mask: 1e-3,
  maskEndToEnd: 5e-3,
  pastedIoU: 0.99,
  pastedXor: 2,
};

describeParity({
  title: '0049 K=1 parity in headless Chromium',
  config: DEFAULT_0049_CONFIG,
  weightsStem: path.join(ORACLE_CACHE_K1, 'weights_0049'),
  goldens: ['astronaut_fit', 'chelsea_window'].map((g) => path.join(ORACLE_CACHE_K1, g)),
  backends: ['webgpu'],
  target: chromiumParityTarget((info) => {
    expect(info.backend).toBe('webgpu');
    expect(info.gpuAdapter).toEqual({ vendor: 'google', architecture: 'swiftshader', fallback: true });
  }),
  plusOneIoU: true,
  inputFromImage: (golden) => golden.endsWith('_window'),
  runs: (_backend, golden, group) => golden === 'astronaut_fit' || END_TO_END.includes(group),
  tol: TOL_WEBGPU,
});
