/**
 * The torchvision workload's inputs folder, made once in the parent process (never timed) and
 * reused while its sources are unchanged: `.cache/bench/torchvision-k<K>/`
 *   model_torchvision.pth    the seeded v1 checkpoint: K=1 `.cache/oracle/k1/torchvision/`'s (`npm run
 *                            oracle`), else the committed K=8 one (test/fixtures/oracle-tv-k8), gunzipped;
 *   <image>.json/.bin        im_data [1,3,Hp,Wp] = torchvision's transform of the image at its default
 *                            800/1333 (@mrcnn/model's `preprocess`, which the parity tests check against
 *                            torchvision), im_info [h, w, scale], image_rgb [H0,W0,3];
 *   model_torchvision.onnx   torchvision's ONNX export of that checkpoint (export_torchvision_onnx.py,
 *                            when python3-torch is there; else the onnxruntime subjects are skipped);
 *   workload.json            { workload, width_div, weights }.
 * Images: the torchvision goldens' sources (tools/oracle/torchvision_exact.py IMAGES), landscape first.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@mrcnn/engine';
import { preprocess } from '@mrcnn/model';
import { readTensorDump, writeTensorDump } from '../../../test/helpers/tensor_dump';
import { TvSource, tvSourcePixels } from '../../../test/helpers/tv_sources';
import { BenchInputError, REPO_ROOT, SCRATCH_DIR } from '../inputs';
import { workloadConfig, workloadFiles } from './workload';

const K1_PTH = path.join(REPO_ROOT, '.cache', 'oracle', 'k1', 'torchvision', 'model_torchvision.pth');
const K8_PTH = path.join(REPO_ROOT, 'test', 'fixtures', 'oracle-tv-k8', 'model_torchvision.pth.gz');
const GOLDENS = path.join(REPO_ROOT, 'test', 'fixtures', 'oracle-tvx-k8');
const PYTHON = process.env.ORACLE_PYTHON ?? '/usr/bin/python3';

/** The image names of the torchvision goldens, landscape (a photo's aspect) first. */
export const TORCHVISION_IMAGES = ['landscape', 'square', 'portrait', 'crop'];

function newer(target: string, sources: readonly string[]): boolean {
  return fs.existsSync(target) && sources.every((s) => fs.statSync(target).mtimeMs >= fs.statSync(s).mtimeMs);
}

/**
 * The folder (made when missing or older than its sources) and its width divisor; the ONNX export
 * only when `onnx` (an onnxruntime subject is planned).
 */
export async function torchvisionInputs(log: (line: string) => void, onnx: boolean): Promise<{ dir: string; widthDiv: number }> {
  const k1 = fs.existsSync(K1_PTH);
  const source = k1 ? K1_PTH : K8_PTH;
  const widthDiv = k1 ? 1 : 8;
  const dir = path.join(SCRATCH_DIR, `torchvision-k${widthDiv}`);
  fs.mkdirSync(dir, { recursive: true });
  const files = workloadFiles('torchvision');
  const pth = path.join(dir, files.pth);
  if (!newer(pth, [source])) {
    const tmp = `${pth}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, source.endsWith('.gz') ? zlib.gunzipSync(fs.readFileSync(source)) : fs.readFileSync(source));
    fs.renameSync(tmp, pth);
  }
  const input = workloadConfig('torchvision', widthDiv).input;
  // The transform runs on the host; its im_data becomes a tensor for a moment (the parent process runs no subject).
  await initBackend('cpu');
  for (const image of TORCHVISION_IMAGES) {
    const golden = path.join(GOLDENS, `v1_${image}_800`);
    if (newer(path.join(dir, `${image}.json`), [`${golden}.json`])) continue;
    const src = readTensorDump(golden, []).meta.source as TvSource;
    const pixels = await tvSourcePixels(src);
    const p = await preprocess(pixels, input);
    const imData = (await p.imData.data()) as Float32Array;
    const g = p.geometry;
    tf.dispose([p.imData, p.imInfo]);
    writeTensorDump(path.join(dir, image), [
      { name: 'im_data', shape: [1, 3, g.paddedHeight, g.paddedWidth], data: imData },
      { name: 'im_info', shape: [1, 3], data: new Float32Array([g.height, g.width, g.scale]) },
      { name: 'image_rgb', shape: [pixels.height, pixels.width, 3], data: pixels.data },
    ], { image, source: src, transform: 'torchvision', min_size: input.minSize, max_size: input.maxSize });
  }
  fs.writeFileSync(path.join(dir, 'workload.json'), `${JSON.stringify({ workload: 'torchvision', width_div: widthDiv, weights: source })}\n`);
  const onnxPath = path.join(dir, files.onnx);
  if (onnx && !newer(onnxPath, [pth])) exportOnnx(pth, widthDiv, path.join(dir, TORCHVISION_IMAGES[0]), onnxPath, log);
  return { dir, widthDiv };
}

/** torchvision's ONNX export of the checkpoint (python3-torch); a note when it cannot run. */
function exportOnnx(pth: string, widthDiv: number, firstImage: string, out: string, log: (line: string) => void): void {
  const script = path.join(REPO_ROOT, 'benchmarks', 'python', 'export_torchvision_onnx.py');
  const t0 = Date.now();
  const r = spawnSync(PYTHON, [script, '--pth', pth, '--width-div', String(widthDiv), '--image', firstImage, '--out', out],
    { encoding: 'utf8', env: { ...process.env, PYTHONWARNINGS: 'ignore' } });
  if (r.status !== 0) {
    log(`note: torchvision's ONNX export failed (${(r.stderr || r.error?.message || '').trim().split('\n').pop()}); the onnxruntime subjects are skipped`);
    return;
  }
  log(`exported ${path.relative(process.cwd(), out)} with torchvision (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}

/** The workload's width divisor, from its folder's workload.json. */
export function torchvisionWidthDiv(dir: string): number {
  const file = path.join(dir, 'workload.json');
  if (!fs.existsSync(file)) throw new BenchInputError('not a torchvision workload folder (no workload.json)', dir);
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { width_div: number }).width_div;
}
