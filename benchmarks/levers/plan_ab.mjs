#!/usr/bin/env node
// The whole network under different kernel plans, A/B in ONE process on the same weights and image
// (tfjs-wasm, 2 threads by default): one MaskRCNN per plan on the shared (non-owned) weight map,
// `execute` run round-robin with the order rotated every round. Per plan: medians of wall and
// process CPU time (all threads), per-stage wall and CPU (CPU read at each stage's end), the
// medians of per-round ratios to the first plan, and the outputs' max abs difference from it.
// Needs `npm run build` and a full-size model.json (default: the bench's conversion of the oracle's
// ONNX export, made by `npm run bench`).
//   node benchmarks/levers/plan_ab.mjs [--threads 2] [--rounds 5] [--model model.json] [--image png]
//     [--plans '[{"packedGemm":false},{}]'] [--json out.json]
import * as fs from 'node:fs';
import * as os from 'node:os';
import { tf, engine as e, model as m, opt, median } from './lever_cli.mjs';

const THREADS = Number(opt('threads', '2'));
const ROUNDS = Number(opt('rounds', '5'));
const MODEL = opt('model', '.cache/bench/k1/tfjs_model/model.json');
const IMAGE = opt('image', '/work/shared/images/astronaut.png');
const PLANS = JSON.parse(opt('plans', '[{"packedGemm":false},{}]'));
const JSON_OUT = opt('json', undefined);

const cpuMs = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1000; };

async function runOnce(model, input) {
  const stages = {};
  let lastCpu = cpuMs();
  const c0 = lastCpu;
  const t0 = performance.now();
  const out = await model.execute(input.imData, input.imInfo, {
    onStage: (name, ms) => { const c = cpuMs(); stages[name] = { wall: ms, cpu: c - lastCpu }; lastCpu = c; },
  });
  const values = await Promise.all([out.classes.data(), out.scores.data(), out.boxes.data(), out.rawMasks.data()]);
  const wall = performance.now() - t0;
  const cpu = cpuMs() - c0;
  tf.dispose(Object.values(out));
  return { wall, cpu, stages, values };
}

function maxDiff(a, b) {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

async function main() {
  const be = await e.initBackend('wasm', { threads: THREADS });
  const { weights, config } = await m.loadWeights(MODEL);
  const input = await m.preprocess(new Uint8Array(fs.readFileSync(IMAGE)), config.input);
  const models = PLANS.map((p) => new m.MaskRCNN(weights, config, { kernels: p }));
  console.log(`backend ${JSON.stringify(be)}; Node ${process.version}; rounds ${ROUNDS}; load ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')}`);
  models.forEach((mm, i) => console.log(`plan ${i}: ${JSON.stringify(mm.kernels)}`));
  const first = [];
  for (const mm of models) first.push(await runOnce(mm, input)); // warm-up (XNNPACK packing, first-touch)
  const diffs = first.map((r) => ({
    classes: maxDiff(r.values[0], first[0].values[0]), scores: maxDiff(r.values[1], first[0].values[1]),
    boxes: maxDiff(r.values[2], first[0].values[2]), rawMasks: maxDiff(r.values[3], first[0].values[3]),
  }));
  const runs = models.map(() => []);
  const ratios = models.map(() => ({ wall: [], cpu: [] }));
  for (let round = 0; round < ROUNDS; round++) {
    const got = [];
    for (const i of models.map((_, j) => (j + round) % models.length)) got[i] = await runOnce(models[i], input);
    got.forEach((r, i) => { runs[i].push(r); ratios[i].wall.push(r.wall / got[0].wall); ratios[i].cpu.push(r.cpu / got[0].cpu); });
  }
  const stageNames = Object.keys(runs[0][0].stages);
  const results = models.map((mm, i) => ({
    plan: mm.kernels, wallMs: median(runs[i].map((r) => r.wall)), cpuMs: median(runs[i].map((r) => r.cpu)),
    ratioWall: median(ratios[i].wall), ratioCpu: median(ratios[i].cpu), maxAbsDiff: diffs[i],
    stages: Object.fromEntries(stageNames.map((s) => [s, { wall: median(runs[i].map((r) => r.stages[s].wall)), cpu: median(runs[i].map((r) => r.stages[s].cpu)) }])),
  }));
  console.log('\n| plan | wall ms | CPU ms | wall / plan 0 | CPU / plan 0 | max abs diff scores / boxes / raw masks |');
  console.log('|---|---:|---:|---:|---:|---|');
  results.forEach((r, i) => console.log(`| ${i} | ${r.wallMs.toFixed(0)} | ${r.cpuMs.toFixed(0)} | ${r.ratioWall.toFixed(2)} | ${r.ratioCpu.toFixed(2)} | ${r.maxAbsDiff.scores.toExponential(1)} / ${r.maxAbsDiff.boxes.toExponential(1)} / ${r.maxAbsDiff.rawMasks.toExponential(1)}${r.maxAbsDiff.classes ? ` (classes differ)` : ''} |`));
  console.log(`\n| stage: wall / CPU ms | ${results.map((_, i) => `plan ${i}`).join(' | ')} |`);
  console.log(`|---|${results.map(() => '---:').join('|')}|`);
  for (const s of stageNames) console.log(`| ${s} | ${results.map((r) => `${r.stages[s].wall.toFixed(0)} / ${r.stages[s].cpu.toFixed(0)}`).join(' | ')} |`);
  console.log(`\nload at the end ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')}`);
  models.forEach((mm) => mm.dispose());
  tf.dispose([...Object.values(weights), input.imData, input.imInfo]);
  if (JSON_OUT) fs.writeFileSync(JSON_OUT, JSON.stringify({ date: new Date().toISOString(), node: process.version, threads: THREADS, rounds: ROUNDS, load: os.loadavg(), results }, null, 1));
}

main().catch((err) => { console.error(err); process.exit(1); });
