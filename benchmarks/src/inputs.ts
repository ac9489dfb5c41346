/**
 * Where the benchmark's inputs come from: the full-size oracle cache (.cache/oracle/k1, made by
 * `npm run oracle`) when present, else the committed K=8 fixtures (test/fixtures/oracle-k8: same
 * network at 1/8 width, for developing the harness). Every subject reads the same files: the
 * canonical weights (dump, .pth or ONNX export of one seeded model) and the goldens' im_data/im_info.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { readTensorDump, tensorDumpExists } from '../../test/helpers/tensor_dump';
import { BenchInputs } from './types';
import type { WorkloadName } from './workloads/workload';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const ORACLE_K1 = path.join(REPO_ROOT, '.cache', 'oracle', 'k1');
export const ORACLE_K8 = path.join(REPO_ROOT, 'test', 'fixtures', 'oracle-k8');
export const RESULTS_DIR = path.join(REPO_ROOT, 'benchmarks', 'results');
export const SCRATCH_DIR = path.join(REPO_ROOT, '.cache', 'bench');

export class BenchInputError extends Error {
  constructor(message: string, readonly file?: string) {
    super(file ? `${message} (${file})` : message);
    this.name = 'BenchInputError';
  }
}

/** Golden stems in `dir` that carry im_data (so they can feed a subject), sorted. */
export function goldenStemsWithInput(dir: string): string[] {
  return fs.readdirSync(dir)
    .filter((f) => f.endsWith('.json') && !f.startsWith('weights_'))
    .map((f) => f.slice(0, -5))
    .filter((stem) => {
      const header = JSON.parse(fs.readFileSync(path.join(dir, `${stem}.json`), 'utf8')) as { tensors?: Array<{ name: string }> };
      return header.tensors?.some((t) => t.name === 'im_data') === true && tensorDumpExists(path.join(dir, stem));
    })
    .sort();
}

/** The width divisor recorded in the weight dump's meta (0049 workload). */
export function widthDivOf(oracleDir: string): number {
  const file = path.join(oracleDir, 'weights_0049.json');
  if (!fs.existsSync(file)) throw new BenchInputError('no weight dump', file);
  const meta = (JSON.parse(fs.readFileSync(file, 'utf8')) as { meta?: { width_div?: unknown } }).meta;
  const k = meta?.width_div;
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1) throw new BenchInputError('meta.width_div missing or invalid', file);
  return k;
}

/**
 * Resolves the oracle folder: an explicit one, else the K=1 cache when it holds weights, else the
 * K=8 fixtures. `images` (stems) defaults to the goldens with im_data; `limit` keeps the first few.
 */
export function resolveInputs(opts: { oracleDir?: string; images?: string[]; limit?: number;
  workload?: { name: WorkloadName; dir: string; widthDiv: number } }): BenchInputs {
  const w = opts.workload;
  const dir = w?.dir ?? opts.oracleDir ?? (fs.existsSync(path.join(ORACLE_K1, 'weights_0049.json')) ? ORACLE_K1 : ORACLE_K8);
  if (!fs.existsSync(dir)) throw new BenchInputError('oracle folder not found', dir);
  const available = goldenStemsWithInput(dir);
  const wanted = opts.images ?? available;
  for (const stem of wanted) {
    if (!available.includes(stem)) throw new BenchInputError(`no golden with im_data named ${stem}; have ${available.join(', ')}`, dir);
  }
  const images = opts.limit !== undefined ? wanted.slice(0, opts.limit) : wanted;
  if (images.length === 0) throw new BenchInputError('no golden with im_data to feed the subjects', dir);
  return { workload: w?.name ?? '0049', oracleDir: dir, widthDiv: w?.widthDiv ?? widthDivOf(dir), images, scratchDir: SCRATCH_DIR };
}

export interface ImageInput {
  stem: string;
  imData: Float32Array;
  imDataShape: number[];
  imInfo: Float32Array;
  /** The decoded source image [H0, W0, 3] and its resize policy, when the golden keeps them (to time preprocessing and pasting). */
  rgb?: { data: Uint8Array; shape: [number, number, number]; policy: 'fit' | 'window' };
}

/** im_data [1,3,H,W] and im_info [1,3] of one golden (and image_rgb when present). */
export function readImageInput(inputs: BenchInputs, stem: string): ImageInput {
  const d = readTensorDump(path.join(inputs.oracleDir, stem), ['im_data', 'im_info', 'image_rgb']); // not the stage goldens
  const imData = d.get('im_data');
  const imInfo = d.get('im_info');
  const out: ImageInput = { stem, imData: imData.data as Float32Array, imDataShape: imData.shape, imInfo: imInfo.data as Float32Array };
  const policy = stem.endsWith('_window') ? 'window' : 'fit'; // torchvision workload: its one policy
  if (d.has('image_rgb')) {
    const rgb = d.get('image_rgb');
    out.rgb = { data: rgb.data as Uint8Array, shape: rgb.shape as [number, number, number], policy };
  }
  return out;
}

/**
 * Path of `name` in the oracle folder, decompressing `name.gz` into the scratch folder once when
 * only the gzip is there (the committed fixtures are gzipped). Undefined when neither exists.
 */
export function plainFile(inputs: BenchInputs, name: string): string | undefined {
  const direct = path.join(inputs.oracleDir, name);
  if (fs.existsSync(direct)) return direct;
  const gz = `${direct}.gz`;
  if (!fs.existsSync(gz)) return undefined;
  const tag = path.basename(inputs.oracleDir);
  const out = path.join(inputs.scratchDir, tag, name);
  if (!fs.existsSync(out) || fs.statSync(out).mtimeMs < fs.statSync(gz).mtimeMs) {
    fs.mkdirSync(path.dirname(out), { recursive: true });
    const tmp = `${out}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, zlib.gunzipSync(fs.readFileSync(gz)));
    fs.renameSync(tmp, out);
  }
  return out;
}
