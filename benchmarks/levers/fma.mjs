#!/usr/bin/env node
// Relaxed SIMD's f32x4.relaxed_madd (FMA) against f32x4.mul + f32x4.add in csrc/gemm.c's 4x8
// micro-kernel, ONE thread, interleaved in one process: the engine's two GEMM builds
// (packages/engine/wasm/kernels.wasm and gemm-fma.wasm) instantiated side by side on one memory,
// fed the same job block. Cases: an L1-resident GEMM repeated (the micro-kernel's peak: 16 x 256
// x 32, packed B 32 KB) and fc6 (1000 x 12544 x 1024). Per case: medians of process CPU time and
// of the per-round ratio fma / mul+add, and the GFLOP/s. Prints the CPU (model name, family) since
// the answer depends on it: AMD Zen issues FP multiply and add on separate pipes.
// Node 20 needs the flag (Node >= 22 and Chromium >= 114 have relaxed SIMD on):
//   node --experimental-wasm-relaxed-simd benchmarks/levers/fma.mjs [--rounds 7] [--json out.json]
import * as fs from 'node:fs';
import * as os from 'node:os';
import { fileURLToPath } from 'node:url';
import { opt, median } from './lever_cli.mjs';

const ROUNDS = Number(opt('rounds', '7'));
const JSON_OUT = opt('json', undefined);
const wasmDir = fileURLToPath(new URL('../../packages/engine/wasm/', import.meta.url));

const fmaBytes = fs.readFileSync(`${wasmDir}gemm-fma.wasm`);
if (!WebAssembly.validate(fmaBytes)) {
  console.error('this runtime has no relaxed SIMD: run with node --experimental-wasm-relaxed-simd (Node 20)');
  process.exit(2);
}
const memory = new WebAssembly.Memory({ initial: 2048, maximum: 65536 }); // 128 MiB to start
const builds = {
  'mul + add': new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync(`${wasmDir}kernels.wasm`)), { env: { memory } }).exports.gemm_run,
  fma: new WebAssembly.Instance(new WebAssembly.Module(fmaBytes), { env: { memory } }).exports.gemm_run,
};

let top = 1024;
const alloc = (bytes) => { const at = top; top += Math.ceil(bytes / 64) * 64; if (top > memory.buffer.byteLength) memory.grow(Math.ceil((top - memory.buffer.byteLength) / 65536)); return at; };
const JOB = alloc(128);

/** Packs B [k, n] into panels of 8 (as packGemmWeights). */
function packB(b, k, n, at) {
  const out = new Float32Array(memory.buffer, at, Math.ceil(n / 8) * 8 * k);
  let o = 0;
  for (let q = 0; q < n; q += 8) for (let p = 0; p < k; p++, o += 8) for (let j = 0; j < 8 && q + j < n; j++) out[o + j] = b[p * n + q + j];
}

function fill(at, n, seed) {
  const v = new Float32Array(memory.buffer, at, n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; v[i] = s / 2 ** 32 - 0.5; }
}

function gemmCase(name, m, k, n, reps, blocking) {
  const a = alloc(4 * m * k); const b = alloc(4 * k * n); const bp = alloc(4 * Math.ceil(n / 8) * 8 * k); const c = alloc(4 * m * n);
  fill(a, m * k, 1); fill(b, k * n, 2);
  packB(new Float32Array(memory.buffer, b, k * n), k, n, bp);
  const { mc, nc, kc } = blocking;
  const items = Math.ceil(m / mc) * Math.ceil(n / nc);
  let gen = 0;
  const run = (fn) => {
    for (let r = 0; r < reps; r++) {
      gen = (gen % 0xffff) + 1;
      const v = new Int32Array(memory.buffer, JOB, 32);
      v.set([0, gen << 16, 0, items, m, n, k, mc, nc, kc, 0, a, m, 1, k, 0, 0, bp, 0, 0, n, c, n, 1, 0, 0, 0, 0]);
      fn(JOB, gen);
    }
  };
  return { name, gflop: (2 * m * k * n * reps) / 1e9, run, out: () => Float32Array.from(new Float32Array(memory.buffer, c, m * n)) };
}

const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };

const cpu = os.cpus()[0]?.model ?? 'unknown';
let family = '';
try { family = (fs.readFileSync('/proc/cpuinfo', 'utf8').match(/^cpu family\s*:\s*(\d+)/m) ?? [])[1] ?? ''; } catch { /* not Linux */ }
console.log(`CPU ${cpu}${family ? `, family ${family}` : ''}; Node ${process.version}; rounds ${ROUNDS}; load ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')}`);

const cases = [
  gemmCase('L1-resident 16 x 256 x 32 (x 4000)', 16, 256, 32, 4000, { mc: 16, nc: 32, kc: 256 }),
  gemmCase('fc6 1000 x 12544 x 1024', 1000, 12544, 1024, 1, { mc: 128, nc: 256, kc: 502 }),
];
const results = [];
for (const cs of cases) {
  const outs = {};
  for (const [bn, fn] of Object.entries(builds)) { cs.run(fn); outs[bn] = cs.out(); }
  let diff = 0; let mag = 0;
  for (let i = 0; i < outs.fma.length; i++) { diff = Math.max(diff, Math.abs(outs.fma[i] - outs['mul + add'][i])); mag = Math.max(mag, Math.abs(outs.fma[i])); }
  const times = { 'mul + add': [], fma: [] }; const ratio = [];
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 ? ['fma', 'mul + add'] : ['mul + add', 'fma'];
    const got = {};
    for (const bn of order) { const c0 = cpuMs(); cs.run(builds[bn]); got[bn] = cpuMs() - c0; times[bn].push(got[bn]); }
    ratio.push(got.fma / got['mul + add']);
  }
  const row = {
    case: cs.name, cpuMsMulAdd: median(times['mul + add']), cpuMsFma: median(times.fma), ratio: median(ratio),
    gflopsMulAdd: cs.gflop / (median(times['mul + add']) / 1000), gflopsFma: cs.gflop / (median(times.fma) / 1000), maxAbsDiff: diff, maxAbs: mag,
  };
  results.push(row);
  console.log(`${cs.name}: mul+add ${row.cpuMsMulAdd.toFixed(1)} ms CPU (${row.gflopsMulAdd.toFixed(1)} GFLOP/s), fma ${row.cpuMsFma.toFixed(1)} ms (${row.gflopsFma.toFixed(1)} GFLOP/s), fma / mul+add ${row.ratio.toFixed(3)} (per-round ${ratio.map((x) => x.toFixed(2)).join(' ')}); max abs diff ${diff.toExponential(1)} on |y| <= ${mag.toFixed(1)}`);
}
if (JSON_OUT) fs.writeFileSync(JSON_OUT, JSON.stringify({ date: new Date().toISOString(), cpu, family, node: process.version, rounds: ROUNDS, load: os.loadavg(), results }, null, 1));
