/**
 * Load benchmark of `mrcnn serve` (`npm run bench:serve -- [options]`; bundled to
 * benchmarks/dist/serve_load.js). Two runs, each against the built `mrcnn serve` started as a
 * user starts it:
 *
 * 1. The full-size 0049 network (the converter's model.json of the oracle's ONNX export,
 *    .cache/bench/k1/tfjs_model, converted once when missing): autocannon at 1, 2, 8 and 64
 *    connections, each for `--duration` seconds, every request the card's im_data + im_info of one
 *    golden as binary tensor data with all four outputs back as binary data. Per level: 200s per
 *    second, p50/p99 latency of the 200s, the share of 503s (the bounded queue refusing), other 5xx
 *    (must be none), errors.
 * 2. The small embedded default model: `--rss-requests` requests (default 10,000; the card's
 *    tensors and an encoded PNG alternately) at `--rss-connections` connections, the server's
 *    resident memory and worker tensors sampled from /metrics every 2 s.
 *
 * Prints markdown tables for docs/RELIABILITY.md and writes the figures as JSON to --out
 * (default .cache/bench/serve). The server processes are stopped by PID at the end.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import autocannon from 'autocannon';
import { encodeInferRequest } from '@mrcnn/server/client';
import { readImageInput, REPO_ROOT, resolveInputs, SCRATCH_DIR } from '../inputs';
import { summarize } from '../stats';
import { ensureTfjsModel } from '../subjects/tfjs_model';
import { LevelFigures, levelFigures, levelsMarkdown, ResponseSample, RssSample, rssFigures, rssMarkdown } from './figures';

const CLI = path.join(REPO_ROOT, 'packages', 'cli', 'dist', 'main.js');
const DEMO_PNG = path.join(REPO_ROOT, 'packages', 'model', 'default-model', 'demo.png');

/** How mrcnn serve spends the cores: `workers` workers of `threads` wasm threads each. */
interface ServeConfig {
  workers: number;
  threads: number;
}

interface LoadOptions {
  model?: string;
  oracleDir?: string;
  image: string;
  connections: number[];
  duration: number;
  workers: number;
  /** mrcnn serve's --threads (undefined: its default, the cores shared among the workers). */
  threads?: number;
  /** Worker x thread configurations compared in one interleaved run (--configs); rounds of them. */
  configs?: ServeConfig[];
  rounds: number;
  queue: number;
  timeoutMs: number;
  rssRequests: number;
  rssConnections: number;
  out: string;
  skipLevels: boolean;
  skipRss: boolean;
}

const USAGE = `usage: npm run bench:serve -- [options]
  --connections 1,2,8,64   concurrency levels of the full-size run
  --duration 60            seconds per level
  --workers 2 --queue 8    mrcnn serve's --workers / --queue (both runs)
  --threads T              mrcnn serve's --threads (default: its own, cores / workers)
  --configs 1x2,2x1        instead of --workers/--threads: compare these workers x threads
                           configurations at each level, interleaved (order rotated each round)
  --rounds 2               rounds of --configs
  --timeout-ms 120000      mrcnn serve's --timeout-ms (the clients wait 10 s longer)
  --rss-requests 10000     requests of the default-model run
  --rss-connections 8      its connections
  --image astronaut_fit    golden whose im_data/im_info is sent
  --model <model.json>     the full-size model (default: .cache/bench/k1/tfjs_model, converted when missing)
  --oracle-dir <dir>       oracle folder (default .cache/oracle/k1)
  --out <dir>              where the JSON goes (default .cache/bench/serve)
  --no-levels | --no-rss   skip one of the runs (--configs runs no RSS run)
`;

function parseOptions(argv: string[]): LoadOptions {
  const o: LoadOptions = {
    image: 'astronaut_fit', connections: [1, 2, 8, 64], duration: 60, workers: 2, rounds: 2, queue: 8, timeoutMs: 120_000,
    rssRequests: 10_000, rssConnections: 8, out: path.join(SCRATCH_DIR, 'serve'), skipLevels: false, skipRss: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value\n${USAGE}`);
      return v;
    };
    const int = (): number => {
      const v = Number(value());
      if (!Number.isInteger(v) || v < 0) throw new Error(`${a} needs a non-negative integer\n${USAGE}`);
      return v;
    };
    if (a === '--connections') o.connections = value().split(',').map(Number);
    else if (a === '--duration') o.duration = int();
    else if (a === '--workers') o.workers = int();
    else if (a === '--threads') o.threads = int();
    else if (a === '--rounds') o.rounds = int();
    else if (a === '--configs') {
      o.configs = value().split(',').map((c) => {
        const m = /^(\d+)x(\d+)$/.exec(c);
        if (m === null || Number(m[1]) < 1 || Number(m[2]) < 1) throw new Error(`--configs needs WORKERSxTHREADS items, got ${c}\n${USAGE}`);
        return { workers: Number(m[1]), threads: Number(m[2]) };
      });
    }
    else if (a === '--queue') o.queue = int();
    else if (a === '--timeout-ms') o.timeoutMs = int();
    else if (a === '--rss-requests') o.rssRequests = int();
    else if (a === '--rss-connections') o.rssConnections = int();
    else if (a === '--image') o.image = value();
    else if (a === '--model') o.model = value();
    else if (a === '--oracle-dir') o.oracleDir = value();
    else if (a === '--out') o.out = value();
    else if (a === '--no-levels') o.skipLevels = true;
    else if (a === '--no-rss') o.skipRss = true;
    else if (a === '--help' || a === '-h') {
      process.stdout.write(USAGE);
      process.exit(0);
    } else throw new Error(`unknown option ${a}\n${USAGE}`);
  }
  if (o.connections.some((c) => !Number.isInteger(c) || c < 1)) throw new Error(`--connections needs positive integers\n${USAGE}`);
  return o;
}

const log = (line: string): void => { process.stderr.write(`[serve-load] ${line}\n`); };

interface Served {
  url: string;
  child: ChildProcess;
  stop(): Promise<number | null>;
}

/** Starts the built `mrcnn serve` on a free port and waits (bounded) until it is ready. */
async function startServe(args: string[]): Promise<Served> {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: npm run build first`);
  const child = spawn(process.execPath, [CLI, 'serve', '--host', '127.0.0.1', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  let gone = false;
  void exited.then(() => { gone = true; });
  const stop = async (): Promise<number | null> => {
    if (!gone) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  const deadline = Date.now() + 600_000;
  let url: string | undefined;
  while (Date.now() < deadline) {
    if (gone) throw new Error(`mrcnn serve exited:\n${out}`);
    url ??= /listening on (http:\/\/[\d.]+:\d+)/.exec(out)?.[1];
    if (url !== undefined && (await fetch(`${url}/v2/health/ready`).then((r) => r.status, () => 0)) === 200) {
      return { url, child, stop };
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await stop();
  throw new Error(`mrcnn serve was not ready within 600 s:\n${out}`);
}

/** Values of the unlabelled metrics `names` in /metrics. */
async function scrape(url: string, names: string[]): Promise<Record<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^(\w+) (\S+)$/.exec(line);
    if (m !== null && names.includes(m[1])) out[m[1]] = Number(m[2]);
  }
  return out;
}

interface CannonRun {
  samples: ResponseSample[];
  errors: number;
  seconds: number;
}

function runCannon(url: string, requests: Array<{ body: Buffer; headers: Record<string, string> }>, connections: number,
  limit: { duration?: number; amount?: number }, timeoutS: number, onResponse?: (n: number) => void): Promise<CannonRun> {
  return new Promise<CannonRun>((resolve, reject) => {
    const samples: ResponseSample[] = [];
    const t0 = performance.now();
    const instance = autocannon({
      url: `${url}/v2/models/m/infer`, method: 'POST', connections, timeout: timeoutS, ...limit,
      requests: requests.map((r) => ({ method: 'POST', body: r.body, headers: r.headers })),
    }, (err, result) => {
      if (err) reject(err);
      else resolve({ samples, errors: result.errors, seconds: (performance.now() - t0) / 1000 });
    });
    instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
      samples.push({ status, ms });
      onResponse?.(samples.length);
    });
  });
}

function cardRequest(stem: string, oracleDir?: string): { body: Buffer; headers: Record<string, string>; widthDiv: number } {
  const inputs = resolveInputs({ oracleDir, images: [stem] });
  const input = readImageInput(inputs, stem);
  const { body, headers } = encodeInferRequest({
    binary: true,
    inputs: [
      { name: 'im_data', datatype: 'FP32', shape: input.imDataShape, data: input.imData },
      { name: 'im_info', datatype: 'FP32', shape: [1, 3], data: input.imInfo },
    ],
  });
  return { body: Buffer.from(body as Uint8Array), headers, widthDiv: inputs.widthDiv };
}

/** `--workers W --threads T` of a configuration (no --threads: mrcnn serve's default). */
function configArgs(workers: number, threads: number | undefined): string[] {
  return ['--workers', String(workers), ...(threads === undefined ? [] : ['--threads', String(threads)])];
}

async function levels(o: LoadOptions, workers = o.workers, threads = o.threads): Promise<{ model: string; levels: LevelFigures[]; rssMiB: number[] }> {
  const inputs = resolveInputs({ oracleDir: o.oracleDir, images: [o.image] });
  if (inputs.widthDiv !== 1) log(`WARNING: ${inputs.oracleDir} is the width/${inputs.widthDiv} network, not the full-size 0049 (run npm run oracle)`);
  const model = o.model ?? await ensureTfjsModel(inputs, log);
  if (model === undefined) throw new Error(`no ONNX export in ${inputs.oracleDir} to convert; pass --model`);
  const request = cardRequest(o.image, o.oracleDir);
  const server = await startServe(['--model', model, '--name', 'm', ...configArgs(workers, threads), '--queue', String(o.queue),
    '--timeout-ms', String(o.timeoutMs), '--quiet']);
  const out: LevelFigures[] = [];
  const rssMiB: number[] = [];
  try {
    log(`serving ${model} at ${server.url} (${workers} worker(s)${threads === undefined ? '' : ` x ${threads} thread(s)`}); warm-up: ${workers} request(s)`);
    const warm = await runCannon(server.url, [request], workers, { amount: workers }, o.timeoutMs / 1000 + 10);
    const statuses = warm.samples.map((r) => r.status);
    if (warm.errors > 0 || statuses.some((st) => st !== 200)) {
      throw new Error(`warm-up requests answered ${statuses.join(', ') || 'nothing'} (${warm.errors} errors): not measuring`);
    }
    log(`  warm-up: ${warm.samples.map((r) => `${(r.ms / 1000).toFixed(1)} s`).join(', ')}`);
    for (const c of o.connections) {
      log(`${c} connection(s) for ${o.duration} s`);
      const run = await runCannon(server.url, [request], c, { duration: o.duration }, o.timeoutMs / 1000 + 10);
      const f = levelFigures(c, run.seconds, run.samples, run.errors);
      out.push(f);
      rssMiB.push((await scrape(server.url, ['process_resident_memory_bytes'])).process_resident_memory_bytes / 2 ** 20);
      log(`  ${f.ok} ok (${f.okPerSecond.toFixed(2)}/s), p50 ${f.p50.toFixed(0)} ms, p99 ${f.p99.toFixed(0)} ms, ` +
        `503s ${(100 * f.share503).toFixed(1)} %, other 5xx ${f.other5xx}, errors ${f.errors}`);
      // Let the queue empty before the next level (requests still running at the cut-off).
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  } finally {
    const code = await server.stop();
    if (code !== 0) log(`mrcnn serve exited with ${code}`);
  }
  return { model, levels: out, rssMiB };
}

async function rssRun(o: LoadOptions): Promise<{ samples: RssSample[]; tensors: number[]; responses: CannonRun }> {
  const card = cardRequest(o.image, o.oracleDir);
  const image = encodeInferRequest({ binary: true, inputs: [{ name: 'im_data', datatype: 'BYTES', shape: [1], data: [fs.readFileSync(DEMO_PNG)] }] });
  const server = await startServe(['--name', 'm', ...configArgs(o.workers, o.threads), '--queue', String(o.queue), '--timeout-ms', String(o.timeoutMs), '--quiet']);
  const samples: RssSample[] = [];
  const tensors: number[] = [];
  let done = 0;
  const sample = async (): Promise<void> => {
    const m = await scrape(server.url, ['process_resident_memory_bytes', 'mrcnn_worker_tensors']);
    samples.push({ requests: done, rssBytes: m.process_resident_memory_bytes });
    if (done > 0) tensors.push(m.mrcnn_worker_tensors);
  };
  try {
    log(`default model at ${server.url}: ${o.rssRequests} requests at ${o.rssConnections} connections`);
    await sample();
    const timer = setInterval(() => void sample().catch(() => undefined), 2000);
    let responses: CannonRun;
    try {
      responses = await runCannon(server.url, [card, { body: Buffer.from(image.body as Uint8Array), headers: image.headers }],
        o.rssConnections, { amount: o.rssRequests }, o.timeoutMs / 1000 + 10, (n) => { done = n; });
    } finally {
      clearInterval(timer);
    }
    await sample();
    return { samples, tensors, responses };
  } finally {
    await server.stop();
  }
}

interface ConfigRun extends ServeConfig {
  round: number;
  levels: LevelFigures[];
  rssMiB: number[];
}

const median = (values: readonly number[]): number => summarize(values).median;

/** One row per configuration and level: medians over the rounds of 200s/s, p50, p99, 503 share; RSS after the levels. */
function configsMarkdown(runs: readonly ConfigRun[]): string {
  const rows = ['| workers x threads | connections | 200s/s (per round) | p50 ms | p99 ms | 503s | other 5xx | RSS MiB |', '|---|---:|---:|---:|---:|---:|---:|---:|'];
  const keys = [...new Set(runs.map((r) => `${r.workers}x${r.threads}`))];
  for (const key of keys) {
    const mine = runs.filter((r) => `${r.workers}x${r.threads}` === key);
    for (let l = 0; l < mine[0].levels.length; l++) {
      const at = mine.map((r) => r.levels[l]);
      rows.push(`| ${key} | ${at[0].connections} | ${median(at.map((f) => f.okPerSecond)).toFixed(2)} (${at.map((f) => f.okPerSecond.toFixed(2)).join(', ')}) | ` +
        `${median(at.map((f) => f.p50)).toFixed(0)} | ${median(at.map((f) => f.p99)).toFixed(0)} | ${(100 * median(at.map((f) => f.share503))).toFixed(1)} % | ` +
        `${at.reduce((n, f) => n + f.other5xx, 0)} | ${median(mine.map((r) => r.rssMiB[l])).toFixed(0)} |`);
    }
  }
  return rows.join('\n');
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  const started = new Date();
  const report: Record<string, unknown> = {
    started: started.toISOString(), host: os.hostname(), cpus: os.cpus().length, node: process.version,
    command: `npm run bench:serve -- ${process.argv.slice(2).join(' ')}`.trim(), options: o,
  };
  const md: string[] = [];
  if (o.configs !== undefined) {
    const runs: ConfigRun[] = [];
    for (let round = 0; round < o.rounds; round++) {
      for (let i = 0; i < o.configs.length; i++) {
        const c = o.configs[(i + round) % o.configs.length];
        const r = await levels(o, c.workers, c.threads);
        runs.push({ ...c, round, levels: r.levels, rssMiB: r.rssMiB });
      }
    }
    report.configs = runs;
    md.push(`Full-size 0049, queue ${o.queue}, ${o.duration} s per level, ${o.rounds} round(s) of ${o.configs.length} configurations ` +
      '(order rotated each round), binary tensor data, all four outputs; medians over the rounds:', '', configsMarkdown(runs));
  } else if (!o.skipLevels) {
    const r = await levels(o);
    report.levels = r;
    md.push(`Full-size 0049 (${path.relative(REPO_ROOT, r.model)}), ${o.workers} worker(s), queue ${o.queue}, ${o.duration} s per level, ` +
      `binary tensor data, all four outputs; server RSS after each level: ${r.rssMiB.map((v) => v.toFixed(0)).join(', ')} MiB`, '',
    levelsMarkdown(r.levels));
  }
  if (!o.skipRss && o.configs === undefined) {
    const r = await rssRun(o);
    const figures = rssFigures(r.samples, r.responses.samples.length);
    const bad = r.responses.samples.filter((s) => s.status !== 200).length;
    report.rss = { figures, samples: r.samples, tensors: r.tensors, non200: bad, errors: r.responses.errors };
    md.push('', `Default model, ${o.rssConnections} connections, card tensors and demo.png alternately: ${rssMarkdown(figures, r.tensors)} ` +
      `Non-200 responses: ${bad}; errors: ${r.responses.errors}.`);
  }
  const text = md.join('\n');
  process.stdout.write(`${text}\n`);
  fs.mkdirSync(o.out, { recursive: true });
  const file = path.join(o.out, `serve-load-${started.toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, `${JSON.stringify({ ...report, markdown: text }, null, 1)}\n`);
  log(`wrote ${file}`);
}

main().catch((e: unknown) => {
  process.stderr.write(`serve-load: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
