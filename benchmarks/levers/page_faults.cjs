// What a first touch of fresh memory costs on this machine ([Q] cold start): 180 MiB copied into a
// fresh WebAssembly.Memory (shared, as tfjs-wasm's threaded build has, and not shared) and written
// into a fresh Buffer, each twice: the first pass pays one minor page fault per 4 KiB page, the
// second none. Prints ms and faults per pass, and µs per fault.
//   node benchmarks/levers/page_faults.cjs [MiB]
const { performance } = require('perf_hooks');
const MiB = Number(process.argv[2] ?? 180);
const N = MiB * 2 ** 20;
const src = new Uint8Array(N).fill(1);
const faults = () => process.resourceUsage().minorPageFault;
function pass(label, f) {
  const f0 = faults(); const t0 = performance.now();
  f();
  const ms = performance.now() - t0; const n = faults() - f0;
  console.log(`${label}: ${ms.toFixed(0)} ms, ${n} faults${n > 1000 ? `, ${(1000 * ms / n).toFixed(1)} µs per fault` : ''}`);
}
for (const shared of [true, false]) {
  const mem = new WebAssembly.Memory({ initial: 1, maximum: 65536, ...(shared ? { shared } : {}) });
  mem.grow(Math.ceil(N / 65536));
  const heap = new Uint8Array(mem.buffer);
  pass(`${MiB} MiB into a fresh ${shared ? 'shared ' : ''}WebAssembly.Memory`, () => heap.set(src));
  pass('  the same again', () => heap.set(src));
}
const b = Buffer.allocUnsafeSlow(N);
pass(`${MiB} MiB fill of a fresh Buffer`, () => b.fill(2));
pass('  the same again', () => b.fill(3));
