/**
 * Thread scaling of tfjs-wasm under Node through initBackend('wasm', {threads}): a fused 3x3 conv
 * (256 -> 256 channels, bias + ReLU, 'same') on an 80x120 map, i.e. one P2-sized FPN conv of 0049
 * (11.3 GFLOP). `node benchmarks/roi_align/run.mjs conv-threads [--quick] [--threads 1,2]` runs
 * one child process per thread count (tfjs initialises wasm once per process) and writes
 * benchmarks/results/conv_threads.{json,md}.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { EnabledBackend, initBackend } from '@mrcnn/engine';

const H = 80;
const W = 120;
const C = 256;
const GFLOP = (2 * H * W * C * C * 9) / 1e9;

interface ThreadRun {
  threads: number; enabled: EnabledBackend; medianMs: number; minMs: number; runs: number; gflops: number;
  /** Process CPU time (all threads) per run / wall time per run, over the timed runs: ~threads when cores are free. */
  cpuPerWall: number;
  /** Linux: each OS thread's share of the process CPU time over the timed runs (shares >= 1 %), largest first. */
  threadCpuShares?: number[];
}

/** Linux: utime + stime clock ticks per OS thread of this process (/proc/self/task/<tid>/stat). */
function threadTicks(): Map<string, number> | undefined {
  const dir = '/proc/self/task';
  if (!fs.existsSync(dir)) return undefined;
  const out = new Map<string, number>();
  for (const tid of fs.readdirSync(dir)) {
    try {
      const stat = fs.readFileSync(path.join(dir, tid, 'stat'), 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(tid, Number(fields[11]) + Number(fields[12])); // fields 14 and 15 of stat(5)
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

function shares(before: Map<string, number> | undefined, after: Map<string, number> | undefined): number[] | undefined {
  if (before === undefined || after === undefined) return undefined;
  const d = [...after].map(([tid, t]) => t - (before.get(tid) ?? 0));
  const total = d.reduce((a, b) => a + b, 0);
  if (total <= 0) return [];
  return d.map((v) => v / total).filter((v) => v >= 0.01).sort((a, b) => b - a);
}

async function child(threads: number, runs: number): Promise<ThreadRun> {
  const enabled = await initBackend('wasm', { threads });
  const x = tf.randomUniform([1, H, W, C], -1, 1, 'float32', 1) as tf.Tensor4D;
  const w = tf.randomUniform([3, 3, C, C], -0.05, 0.05, 'float32', 2) as tf.Tensor4D;
  const b = tf.randomUniform([C], -0.1, 0.1, 'float32', 3) as tf.Tensor1D;
  const once = async (): Promise<number> => {
    const t0 = performance.now();
    const y = tf.fused.conv2d({ x, filter: w, bias: b, strides: 1, pad: 'same', activation: 'relu' });
    await y.data();
    const ms = performance.now() - t0;
    y.dispose();
    return ms;
  };
  await once();
  await once();
  const ms: number[] = [];
  const cpu0 = process.cpuUsage();
  const ticks0 = threadTicks();
  const wall0 = performance.now();
  for (let i = 0; i < runs; i++) ms.push(await once());
  const cpu = process.cpuUsage(cpu0);
  const threadCpuShares = shares(ticks0, threadTicks());
  const cpuPerWall = (cpu.user + cpu.system) / 1000 / (performance.now() - wall0);
  ms.sort((p, q) => p - q);
  const medianMs = ms[ms.length >> 1];
  tf.dispose([x, w, b]);
  return { threads, enabled, medianMs, minMs: ms[0], runs, gflops: GFLOP / (medianMs / 1000), cpuPerWall, threadCpuShares };
}

function markdown(results: ThreadRun[], command: string): string {
  const base = results.find((r) => r.threads === 1);
  const lines = [
    '# tfjs-wasm thread scaling under Node (initBackend threads)',
    '',
    `Fused conv2d 3x3, ${C} -> ${C} channels, bias + ReLU, on 1x${H}x${W}x${C} (${GFLOP.toFixed(1)} GFLOP); median of`,
    `${results[0]?.runs ?? 0} runs after 2 warm-ups, output read back. ${new Date().toISOString()}, Node ${process.version}.`,
    `Command: \`${command}\``,
    '',
    `Machine: ${os.cpus().length} logical cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')} at the end.`,
    '',
    '| threads | build | ms (median) | ms (min) | GFLOP/s | CPU time / wall | CPU share per OS thread | speed-up vs 1 thread |',
    '|---:|---|---:|---:|---:|---:|---|---:|',
  ];
  for (const r of results) {
    const speedup = base === undefined ? '' : `${(base.medianMs / r.medianMs).toFixed(2)}x`;
    lines.push(`| ${r.enabled.threads} | ${r.enabled.wasmBinary ?? ''} | ${r.medianMs.toFixed(0)} | ${r.minMs.toFixed(0)} | ${r.gflops.toFixed(1)} | ${r.cpuPerWall.toFixed(2)} | ${(r.threadCpuShares ?? []).map((v) => `${(100 * v).toFixed(0)} %`).join(', ')} | ${speedup} |`);
  }
  lines.push('');
  return lines.join('\n');
}

function parent(argv: string[]): void {
  const quick = argv.includes('--quick');
  const ti = argv.indexOf('--threads');
  const counts = (ti >= 0 ? argv[ti + 1] : '1,2').split(',').map(Number);
  const runs = quick ? 5 : 15;
  const results: ThreadRun[] = [];
  for (const n of counts) {
    const r = spawnSync(process.execPath, [__filename, '--child', String(n), String(runs)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (r.status !== 0) throw new Error(`conv-threads child for ${n} thread(s) failed with status ${r.status}`);
    const parsed: unknown = JSON.parse(r.stdout.trim().split('\n').pop() ?? 'null');
    results.push(parsed as ThreadRun);
  }
  const root = path.resolve(__dirname, '..', '..', '..');
  const out = path.join(root, 'benchmarks', 'results');
  const command = `node benchmarks/roi_align/run.mjs conv-threads ${argv.join(' ')}`.trim();
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'conv_threads.json'), `${JSON.stringify({ command, gflop: GFLOP, results }, null, 1)}\n`);
  const md = markdown(results, command);
  fs.writeFileSync(path.join(out, 'conv_threads.md'), md);
  process.stdout.write(md);
}

if (process.argv[2] === '--child') {
  child(Number(process.argv[3]), Number(process.argv[4])).then((r) => {
    process.stdout.write(`${JSON.stringify(r)}\n`);
    process.exit(0);
  }, (e: unknown) => { process.stderr.write(`${String(e)}\n`); process.exit(1); });
} else {
  parent(process.argv.slice(2));
}
