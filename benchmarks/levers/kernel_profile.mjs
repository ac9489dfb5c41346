#!/usr/bin/env node
// Where a warm `execute` spends its wall time, kernel by kernel (tfjs-wasm, 2 threads by default):
// wraps the engine's runKernel (wasm kernels run synchronously, so the wall time around a call is the
// kernel's), exclusive of nested kernel calls, summed per kernel name + input and output shapes over
// `--rounds` warm runs after one warm-up. Prints the top rows (PackedGemm calls with their effective
// GFLOP/s inside the network: no read-back to JS, unlike gemm.mjs) and the share of the execute wall
// time the kernels account for (the rest: JS between kernels, reads back to the host).
//   node benchmarks/levers/kernel_profile.mjs [--threads 2] [--rounds 3] [--top 40]
//     [--model model.json] [--image png] [--plan '{"winogradOutputTile":4}'] [--json out.json]
import * as fs from 'node:fs';
import * as os from 'node:os';
import { tf, engine as e, model as m, opt } from './lever_cli.mjs';

const THREADS = Number(opt('threads', '2'));
const ROUNDS = Number(opt('rounds', '3'));
const TOP = Number(opt('top', '40'));
const MODEL = opt('model', '.cache/bench/k1/tfjs_model/model.json');
const IMAGE = opt('image', 'test/fixtures/images/astronaut.png');
const PLAN = opt('plan', undefined);
const JSON_OUT = opt('json', undefined);

const rows = new Map();
let recording = false;
const stack = [];

function shapes(inputs) {
  return Object.entries(inputs ?? {}).filter(([, t]) => t && t.shape)
    .map(([k, t]) => `${k}[${t.shape.join(',')}]`).join(' ');
}

/** A PackedGemm call's GFLOP (2 · rows of the output · K · N), from its inputs and output. */
function gemmGflop(name, inputs, out) {
  if (name !== 'MrcnnPackedGemm' || !out?.shape) return undefined;
  const os = out.shape;
  const n = os[os.length - 1];
  const rows = os.slice(0, -1).reduce((a, b) => a * b, 1);
  const per = inputs.packed.shape[inputs.packed.shape.length - 1];
  const k = per / (Math.ceil(n / e.PACKED_GEMM_PANEL) * e.PACKED_GEMM_PANEL);
  return (2 * rows * k * n) / 1e9;
}

function wrapEngine() {
  const engine = tf.engine();
  const run = engine.runKernel.bind(engine);
  engine.runKernel = (name, inputs, attrs) => {
    if (!recording) return run(name, inputs, attrs);
    const frame = { child: 0 };
    stack.push(frame);
    const t0 = performance.now();
    let out;
    try {
      out = run(name, inputs, attrs);
      return out;
    } finally {
      const total = performance.now() - t0;
      stack.pop();
      if (stack.length > 0) stack[stack.length - 1].child += total;
      const outShape = out && !Array.isArray(out) && out.shape ? ` → [${out.shape.join(',')}]` : '';
      const key = `${name} ${shapes(inputs)}${outShape}`;
      const r = rows.get(key) ?? { name, key, ms: 0, calls: 0, gflop: gemmGflop(name, inputs, out) };
      r.ms += total - frame.child;
      r.calls++;
      rows.set(key, r);
    }
  };
}

async function main() {
  const be = await e.initBackend('wasm', { threads: THREADS });
  const { weights, config } = await m.loadWeights(MODEL);
  const input = await m.preprocess(new Uint8Array(fs.readFileSync(IMAGE)), config.input);
  const model = new m.MaskRCNN(weights, config, PLAN ? { kernels: JSON.parse(PLAN) } : {});
  console.log(`backend ${JSON.stringify(be)}; plan ${JSON.stringify(model.kernels)}; Node ${process.version}; rounds ${ROUNDS}; load ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')}`);
  wrapEngine();
  const once = async () => {
    const t0 = performance.now();
    const out = await model.execute(input.imData, input.imInfo);
    await Promise.all(Object.values(out).map((t) => t.data()));
    tf.dispose(Object.values(out));
    return performance.now() - t0;
  };
  await once();
  recording = true;
  let wall = 0;
  for (let i = 0; i < ROUNDS; i++) wall += await once();
  recording = false;
  const all = [...rows.values()].sort((a, b) => b.ms - a.ms);
  const kernelMs = all.reduce((s, r) => s + r.ms, 0);
  const byName = new Map();
  for (const r of all) byName.set(r.name, (byName.get(r.name) ?? 0) + r.ms);
  console.log(`\nexecute wall ${(wall / ROUNDS).toFixed(0)} ms per run; inside kernels ${(kernelMs / ROUNDS).toFixed(0)} ms (${(100 * kernelMs / wall).toFixed(0)} %)`);
  console.log('\n| kernel | ms per run | share |');
  console.log('|---|---:|---:|');
  for (const [name, ms] of [...byName].sort((a, b) => b[1] - a[1])) console.log(`| ${name} | ${(ms / ROUNDS).toFixed(1)} | ${(100 * ms / wall).toFixed(1)} % |`);
  console.log(`\n| kernel, inputs → output (top ${TOP}) | calls per run | ms per run | GFLOP/s (PackedGemm) |`);
  console.log('|---|---:|---:|---:|');
  for (const r of all.slice(0, TOP)) {
    const rate = r.gflop !== undefined ? (r.gflop * r.calls / (r.ms / 1000)).toFixed(1) : '';
    console.log(`| ${r.key} | ${r.calls / ROUNDS} | ${(r.ms / ROUNDS).toFixed(1)} | ${rate} |`);
  }
  if (JSON_OUT) fs.writeFileSync(JSON_OUT, JSON.stringify({ date: new Date().toISOString(), plan: model.kernels, threads: THREADS, rounds: ROUNDS, wallMs: wall / ROUNDS, rows: all.map((r) => ({ ...r, ms: r.ms / ROUNDS, calls: r.calls / ROUNDS })) }, null, 1));
  model.dispose();
  tf.dispose([...Object.values(weights), input.imData, input.imInfo]);
}

main().catch((err) => { console.error(err); process.exit(1); });
