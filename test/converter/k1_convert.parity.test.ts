/**
 * Full-size (K = 1) conversion parity, on the oracle cache (.cache/oracle/k1, `npm run oracle`):
 * the real-size .pth, the whole-network ONNX export and an OpenVINO IR written from the .pth by
 * tools/oracle/export_ir.py (FP32, the Model Optimizer layout) are converted, checked against the
 * canonical weight dump, loaded with the model package and run on astronaut_fit (cpu backend);
 * the detections must match the oracle's.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';
import { initBackend } from '@mrcnn/engine';
import { ORACLE_CACHE_K1, REPO_ROOT } from '../helpers/paths';
import { readTensorDump } from '../helpers/tensor_dump';
import { tempDir } from '../helpers/converter_fixtures';
import { compareWithGolden, convertToTemp, runConverted, removeTempDirs } from './convert_run';

const PY = process.env.ORACLE_PYTHON ?? '/usr/bin/python3';
const golden = readTensorDump(path.join(ORACLE_CACHE_K1, 'astronaut_fit'));
const weights = readTensorDump(path.join(ORACLE_CACHE_K1, 'weights_0049'));
const log = (msg: string): void => { process.stdout.write(`${msg}\n`); };

function irFromPth(): string {
  const stem = path.join(tempDir('mrcnn-ir-k1-'), 'model_0049_ir');
  execFileSync(PY, [path.join(REPO_ROOT, 'tools', 'oracle', 'export_ir.py'), '--pth', path.join(ORACLE_CACHE_K1, 'model_0049.pth'),
    '--width-div', '1', '--out', stem], { stdio: 'inherit' });
  return `${stem}.xml`;
}

const CASES: ReadonlyArray<readonly [string, () => string]> = [
  ['.pth', () => path.join(ORACLE_CACHE_K1, 'model_0049.pth')],
  ['ONNX (whole network)', () => path.join(ORACLE_CACHE_K1, 'model_0049.onnx')],
  ['IR FP32', irFromPth],
];

describe('full-size conversion parity (K=1)', () => {
  beforeAll(async () => { await initBackend('cpu'); });
  afterAll(removeTempDirs);

  it.each(CASES)('%s', async (label, input) => {
    const { dir, summary } = await convertToTemp(input());
    expect(summary).toMatchObject({ arch: '0049', widthDiv: 1, numClasses: 81, tensors: 148 });
    // every canonical conv/FC weight is present, BN folded: unique parameters as the oracle counts them
    expect(summary.params).toBe(weights.meta.params_unique);
    const { result, config } = await runConverted(dir, golden);
    expect(config.fpn.channels).toBe(256);
    const s = compareWithGolden(result, golden, 0.5);
    log(`[k1 convert ${label}] ${JSON.stringify(s)}`);
    expect(s.matched / s.expected).toBeGreaterThanOrEqual(0.98);
    expect(s.maxScoreDiff).toBeLessThanOrEqual(5e-3);
    expect(s.meanMaskIoU).toBeGreaterThanOrEqual(0.98);
  });
});
