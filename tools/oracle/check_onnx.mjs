#!/usr/bin/env node
// Runs an oracle ONNX export in onnxruntime-node on goldens' im_data/im_info and compares the card's
// outputs with the oracle's. Dev tool: onnxruntime-node is not a project dependency, install it outside
// the repo (`cd /tmp/ortcheck && ONNXRUNTIME_NODE_INSTALL=skip npm i --no-save onnxruntime-node`).
//
//   node tools/oracle/check_onnx.mjs --ort /tmp/ortcheck/node_modules/onnxruntime-node \
//     test/fixtures/oracle-k8/model_0049.onnx.gz test/fixtures/oracle-k8/astronaut_fit [more golden stems]
//
// Exit code 1 when a detection is unmatched (same class, |score diff| <= 1e-3 and IoU >= 0.99 or every
// coordinate within 0.05 px: width-div weights give many sub-pixel, even inverted, boxes whose IoU is
// meaningless) or a matched row's 28x28 mask of its class differs by more than --mask-tol (5e-3:
// onnxruntime's float summation order moves boxes by ~1e-2 px, and the steep K=8 mask logits turn that
// into ~2e-3 on a few mask cells).
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { readDump } from './tensor_dump.mjs';

const args = process.argv.slice(2);
const oi = args.indexOf('--ort');
if (oi < 0 || args.length < oi + 2) {
  console.error('usage: check_onnx.mjs --ort <onnxruntime-node dir> <model.onnx[.gz]> <golden stem>...');
  process.exit(2);
}
const ortDir = args.splice(oi, 2)[1];
const ti = args.indexOf('--mask-tol');
const maskTol = ti < 0 ? 5e-3 : Number(args.splice(ti, 2)[1]);
const [modelPath, ...stems] = args;
const ort = createRequire(import.meta.url)(ortDir);

function iou(a, b) {
  const iw = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]) + 1);
  const ih = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]) + 1);
  const inter = iw * ih;
  const area = (r) => (r[2] - r[0] + 1) * (r[3] - r[1] + 1);
  return inter / (area(a) + area(b) - inter);
}

const raw = fs.readFileSync(modelPath);
const bytes = modelPath.endsWith('.gz') ? zlib.gunzipSync(raw) : raw;
const session = await ort.InferenceSession.create(new Uint8Array(bytes), { intraOpNumThreads: 1, interOpNumThreads: 1 });
let failed = false;
for (const stem of stems) {
  const g = readDump(stem).tensors;
  const imData = g.get('im_data');
  const imInfo = g.get('im_info');
  if (!imData || !imInfo) throw new Error(`${stem}: golden lacks im_data/im_info`);
  const t0 = Date.now();
  const res = await session.run({
    im_data: new ort.Tensor('float32', imData.data, imData.shape),
    im_info: new ort.Tensor('float32', imInfo.data, imInfo.shape),
  });
  const ms = Date.now() - t0;
  const cls = res.classes.data; const sc = res.scores.data; const bx = res.boxes.data; const rm = res.raw_masks.data;
  const gc = g.get('classes').data; const gs = g.get('scores').data; const gb = g.get('boxes').data;
  const gm = g.get('raw_masks_sel') ?? g.get('raw_masks');
  const nCls = res.raw_masks.dims[1]; const mm = res.raw_masks.dims[2] * res.raw_masks.dims[3];
  const box = (d, i) => [d[4 * i], d[4 * i + 1], d[4 * i + 2], d[4 * i + 3]];
  const used = new Set();
  let unmatched = 0; let maxScore = 0; let maxBox = 0; let maxMask = 0; let n = 0; let sameOrder = true;
  for (let i = 0; i < gc.length; i++) {
    if (gc[i] === 0) continue;
    n++;
    let best = -1; let bestIou = -1;
    for (let j = 0; j < cls.length; j++) {
      if (used.has(j) || cls[j] !== gc[i] || Math.abs(sc[j] - gs[i]) > 1e-3) continue;
      const near = box(gb, i).every((v, k) => Math.abs(v - bx[4 * j + k]) <= 0.05);
      const v = near ? 1 : iou(box(gb, i), box(bx, j));
      if (v > bestIou) { bestIou = v; best = j; }
    }
    if (best < 0 || bestIou < 0.99) { unmatched++; continue; }
    used.add(best);
    if (best !== i) sameOrder = false;
    maxScore = Math.max(maxScore, Math.abs(sc[best] - gs[i]));
    for (let k = 0; k < 4; k++) maxBox = Math.max(maxBox, Math.abs(bx[4 * best + k] - gb[4 * i + k]));
    const gOff = gm.shape.length === 3 ? i * mm : (i * nCls + gc[i]) * mm;
    const oOff = (best * nCls + gc[i]) * mm;
    for (let k = 0; k < mm; k++) maxMask = Math.max(maxMask, Math.abs(rm[oOff + k] - gm.data[gOff + k]));
  }
  const extra = Array.from(cls).filter((c) => c > 0).length - n;
  const ok = unmatched === 0 && extra === 0 && maxMask <= maskTol;
  failed ||= !ok;
  console.log(`${stem}: ${ok ? 'OK' : 'MISMATCH'} detections ${n}, unmatched ${unmatched}, extra ${extra}, ` +
    `same order ${sameOrder}, max |score| ${maxScore.toExponential(2)}, max |box| ${maxBox.toExponential(2)} px, ` +
    `max |mask| ${maxMask.toExponential(2)}, onnxruntime ${ms} ms`);
}
process.exit(failed ? 1 : 0);
