#!/usr/bin/env node
// Queue overhead: images/s of a directory run through Redis (BullMQ) with 1 and with 2 `mrcnn
// worker` processes, against the local worker-thread pool (`mrcnn detect <dir>`), on the same
// images, model and number of threads, interleaved (one run per subject per round, the order
// rotated each round). Rate = (images − 1) / (time between the first and the last image done),
// taken from each subject's own per-image lines, so model loading is left out; enqueue and
// collect are timed apart. Starts its own redis-server (127.0.0.1, a free port, no persistence)
// and stops it by PID. Needs `npm run build`.
//
//   node benchmarks/queue/run.mjs [--images 24] [--rounds 2] [--threads 2] [--model DIR] [--json FILE]
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const CLI = path.join(root, 'packages', 'cli', 'dist', 'main.js');
const REDIS = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';

function option(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
}
const nImages = Number(option('images', '24'));
const rounds = Number(option('rounds', '2'));
const threads = Number(option('threads', '2'));
const model = option('model', undefined);
const jsonOut = option('json', undefined);
if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: npm run build first`);
if (!fs.existsSync(REDIS)) throw new Error(`${REDIS} is missing: apt-get install redis-server`);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mrcnn-queue-bench-'));
const images = path.join(tmp, 'imgs');
fs.mkdirSync(images);
const sources = ['chelsea.png', 'rocket.jpg', 'phone.jpg', 'astronaut.png'].map((f) => path.join(root, 'test', 'fixtures', 'images', f));
for (let i = 0; i < nImages; i++) {
  const src = sources[i % sources.length];
  fs.copyFileSync(src, path.join(images, `${String(i + 1).padStart(12, '0')}${path.extname(src)}`));
}
const detectArgs = ['--score', '0.3', ...(model ? ['--model', model] : [])];

const port = await new Promise((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
});
const redis = spawn(REDIS, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', tmp], { stdio: 'ignore' });
const url = `redis://127.0.0.1:${port}`;
for (let i = 0; ; i++) {
  if (spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout?.startsWith('PONG')) break;
  if (i > 100) throw new Error('redis-server did not start');
  await new Promise((r) => setTimeout(r, 100));
}

/** Runs the CLI; resolves with the arrival times (ms) of output lines matching `re`, and the wall time. */
function timed(args, re) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const hits = [];
    let buf = '';
    const onData = (d) => {
      buf += d;
      const lines = buf.split('\n');
      buf = lines.pop();
      for (const l of lines) if (re.test(l)) hits.push(performance.now());
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    child.on('exit', (code) => (code === 0 ? resolve({ hits, wall: (performance.now() - t0) / 1000 }) : reject(new Error(`mrcnn ${args[0]} exited ${code}`))));
  });
}

const rate = (hits) => (hits.length < 2 ? NaN : (hits.length - 1) / ((Math.max(...hits) - Math.min(...hits)) / 1000));
let runNo = 0;
const subjects = {
  'local pool': async () => {
    const r = await timed(['detect', images, '--out', path.join(tmp, `out-${runNo++}`), '--workers', String(threads), ...detectArgs], /^\[.*\] \d+\/\d+/);
    return { rate: rate(r.hits), wall: r.wall };
  },
  ...Object.fromEntries([1, 2].map((procs) => [`queue, ${procs} worker process${procs > 1 ? 'es' : ''}`, async () => {
    const queue = `bench-${runNo++}`;
    const q = ['--redis', url, '--queue', queue];
    const enq = await timed(['enqueue', images, ...q, '--out', path.join(tmp, `out-${queue}`), '--quiet', ...detectArgs], /^$/);
    const per = Math.max(1, Math.floor(threads / procs));
    const t0 = performance.now();
    const runs = await Promise.all(Array.from({ length: procs }, () => timed(['worker', ...q, '--workers', String(per), '--until-done'], /: done, /)));
    const wall = (performance.now() - t0) / 1000;
    const col = await timed(['collect', ...q], /^$/);
    return { rate: rate(runs.flatMap((r) => r.hits)), wall, enqueue: enq.wall, collect: col.wall };
  }])),
};

const samples = Object.fromEntries(Object.keys(subjects).map((k) => [k, []]));
const names = Object.keys(subjects);
try {
  for (let r = 0; r < rounds; r++) {
    const order = names.map((_, i) => names[(i + r) % names.length]);
    for (const name of order) {
      const s = await subjects[name]();
      samples[name].push(s);
      process.stderr.write(`round ${r + 1}/${rounds} ${name}: ${s.rate.toFixed(3)} img/s (wall ${s.wall.toFixed(1)} s)\n`);
    }
  }
} finally {
  process.kill(redis.pid, 'SIGTERM');
  fs.rmSync(tmp, { recursive: true, force: true });
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const local = median(samples['local pool'].map((s) => s.rate));
const lines = [
  `Queue overhead: ${nImages} images, ${threads} thread(s) in all, ${rounds} round(s), model ${model ?? 'embedded default'}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}`,
  '',
  '| subject | images/s (median) | x local pool | s/image | queue overhead ms/image | enqueue s | collect s |',
  '|---|---:|---:|---:|---:|---:|---:|',
];
for (const name of names) {
  const r = median(samples[name].map((s) => s.rate));
  const enq = samples[name][0].enqueue === undefined ? '—' : median(samples[name].map((s) => s.enqueue)).toFixed(2);
  const col = samples[name][0].collect === undefined ? '—' : median(samples[name].map((s) => s.collect)).toFixed(2);
  const overhead = name === 'local pool' ? '—' : ((1 / r - 1 / local) * 1000).toFixed(0);
  lines.push(`| ${name} | ${r.toFixed(3)} | ${(r / local).toFixed(2)} | ${(1 / r).toFixed(2)} | ${overhead} | ${enq} | ${col} |`);
}
process.stdout.write(`${lines.join('\n')}\n`);
if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify({ nImages, threads, rounds, model: model ?? null, samples }, null, 1));
