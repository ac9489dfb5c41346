/**
 * `mrcnn serve`: the model behind an Open Inference Protocol (KServe v2 REST) server
 * (@mrcnn/server): the card's tensors or an encoded image in, its outputs or the instances out;
 * Prometheus metrics at /metrics. Runs until SIGTERM or SIGINT, then drains (the accepted requests
 * finish) and exits 0; exits 1 when the model cannot be loaded.
 */
import * as fs from 'fs';
import type { BackendName } from '@mrcnn/model';
import { ModelLoadError } from '@mrcnn/model';
import { SERVER_DEFAULTS, startServer } from '@mrcnn/server';
import { choiceOption, numberOption, ParsedArgs } from './args';
import { Command, CommandIO, EXIT_OK, EXIT_RUNTIME, UsageError } from './command';
import { nodeBackends } from './detect_options';
import { formatUsage } from './usage';

export function serveUsage(): string {
  const d = SERVER_DEFAULTS;
  return formatUsage({
    name: 'serve',
    synopsis: '[options]',
    description: `Serves the model over HTTP with the Open Inference Protocol (KServe v2 REST, as OpenVINO Model
Server and Triton speak it): GET /v2, /v2/health/live, /v2/health/ready, /v2/models/<name>,
/v2/models/<name>/ready; POST /v2/models/<name>/infer with the card's inputs (im_data FP32
[1,3,320,480] + im_info FP32 [1,3] → classes, scores, boxes, raw_masks) or an encoded PNG/JPEG
(im_data BYTES [1] → instances with RLE masks), as JSON or binary tensor data; Prometheus
metrics at GET /metrics. Runs until SIGTERM/SIGINT, then finishes the accepted requests and exits.`,
    options: [
      ['--model <dir|model.json>', 'model to serve (default: the embedded default model)'],
      ['--name <name>', 'its name in the URLs (default: the name in its config)'],
      ['--host <address>', `address to listen on (default ${d.host}; 0.0.0.0 for all interfaces)`],
      ['--port <n>', `port (default ${d.port}; 0 = a free port, printed)`],
      [`--backend ${nodeBackends().join('|')}`, `tfjs backend of the workers (default ${d.backend})`],
      ['--workers <n>', `worker threads, one request each at a time, each with its own copy\nof the model (default ${d.workers})`],
      ['--threads <n>', 'wasm threads of each worker (default: the cores shared among the\nworkers, floor(cores / workers), at least 1)'],
      ['--queue <n>', `requests that may wait for a worker; more are answered 503 with\nRetry-After (default ${d.queue})`],
      ['--timeout-ms <ms>', `longest time a request may take, queue included: 504 after it\n(default ${d.timeoutMs})`],
      ['--max-body-mb <n>', `largest request body in MiB: 413 above it (default ${d.maxBodyBytes / 2 ** 20})`],
      ['--max-image-pixels <n>', `largest encoded image (declared width x height) (default ${d.maxImagePixels})`],
      ['--quiet', 'only the "listening on <url>" line on stdout'],
    ],
    exit: {
      ok: 'stopped by SIGTERM/SIGINT after draining',
      runtime: 'the model cannot be loaded or the port cannot be bound',
    },
  });
}

async function runServe(args: ParsedArgs, io: CommandIO): Promise<number> {
  if (args.positionals.length > 0) throw new UsageError(`serve takes no arguments, got ${JSON.stringify(args.positionals[0])} (use --model)`);
  const model = args.values.model;
  if (model !== undefined && !fs.existsSync(model)) throw new ModelLoadError(model, 'no such file or directory');
  const d = SERVER_DEFAULTS;
  const options = {
    model,
    name: args.values.name,
    host: args.values.host ?? d.host,
    port: numberOption(args, 'port', d.port, 0, 65535, true),
    backend: choiceOption<BackendName>(args, 'backend', nodeBackends(), d.backend),
    workers: numberOption(args, 'workers', d.workers, 1, 256, true),
    threads: args.values.threads === undefined ? undefined : numberOption(args, 'threads', 1, 1, 8, true),
    queue: numberOption(args, 'queue', d.queue, 0, 100_000, true),
    timeoutMs: numberOption(args, 'timeout-ms', d.timeoutMs, 1, 24 * 3600 * 1000, true),
    maxBodyBytes: Math.round(numberOption(args, 'max-body-mb', d.maxBodyBytes / 2 ** 20, 0.001, 2047) * 2 ** 20),
    maxImagePixels: numberOption(args, 'max-image-pixels', d.maxImagePixels, 1, 2 ** 31 - 1, true),
  };
  if (options.name !== undefined && !/^[\w.-]+$/.test(options.name)) {
    throw new UsageError(`--name must be letters, digits, '_', '-' or '.', got ${JSON.stringify(options.name)}`);
  }
  // --quiet keeps the "listening on <url>" line: with --port 0 it is how a caller learns the port.
  const say = (line: string): void => {
    if (args.flags.quiet !== true || line.startsWith('listening on ')) io.stdout.write(`mrcnn serve: ${line}\n`);
  };
  let stop: (code: number) => void = () => undefined;
  const stopped = new Promise<number>((resolve) => {
    stop = resolve;
  });
  const server = await startServer({
    ...options,
    log: say,
    onFatal: (e) => {
      io.stderr.write(`mrcnn serve: ${e.name}: ${e.message}\n`);
      stop(EXIT_RUNTIME);
    },
  });
  const onSignal = (signal: NodeJS.Signals): void => {
    say(`${signal}: finishing the accepted requests, then exiting`);
    stop(EXIT_OK);
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  const code = await stopped;
  process.off('SIGTERM', onSignal);
  process.off('SIGINT', onSignal);
  await server.close();
  return code;
}

export const serveCommand: Command = {
  name: 'serve',
  synopsis: '[--model <dir>] [--port 8000]',
  summary: 'serve the model over HTTP (KServe v2 / Open Inference Protocol), with /metrics',
  options: {
    model: { type: 'string' }, name: { type: 'string' }, host: { type: 'string' }, port: { type: 'string' },
    backend: { type: 'string' }, workers: { type: 'string' }, threads: { type: 'string' }, queue: { type: 'string' }, 'timeout-ms': { type: 'string' },
    'max-body-mb': { type: 'string' }, 'max-image-pixels': { type: 'string' }, quiet: { type: 'boolean' },
  },
  usage: serveUsage,
  run: runServe,
};
