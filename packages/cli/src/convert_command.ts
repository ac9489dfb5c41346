/**
 * `mrcnn convert <input> -o <dir> [--quantize fp16|uint8] [--labels file] [--force] [--quiet]`:
 * argument parsing, progress on stderr for large inputs, a summary on stdout. Exit codes:
 * 0 converted, 1 conversion failed (typed error message), 2 usage error.
 */
import * as fs from 'fs';
import { convert, ConvertSummary } from './convert';
import { ConverterError } from './errors';
import { Quantization } from './writer/quantize';

export interface CommandIO {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
}

export const CONVERT_USAGE = `usage: mrcnn convert <input> -o <out-dir> [--quantize fp16|uint8] [--labels <labels.json|txt>]
                     [--channel-order bgr|rgb] [--fold-std] [--force] [--quiet]

  <input>       PyTorch .pth, ONNX .onnx, or OpenVINO IR .xml (with its .bin beside it); .gz accepted
  -o, --out     output directory for model.json and its weight shards (written atomically)
  --quantize    store weights as fp16 or uint8 (affine per tensor); default float32
  --labels      class names (JSON array or one per line, background first), stored in model.json
  --channel-order bgr|rgb   make the network take this channel order (reorders the first convolution)
  --fold-std    fold the input std into the first convolution (the model divides by 1)
  --force       replace a non-empty output directory
  --quiet       no progress output
`;

/** Inputs above this size get progress lines on stderr. */
const PROGRESS_MIN_BYTES = 32 * 1024 * 1024;

class UsageError extends Error {}

interface Args {
  input: string; out: string; quantize?: Quantization; labels?: string; force: boolean; quiet: boolean;
  channelOrder?: 'BGR' | 'RGB'; foldStd: boolean;
}

function parseArgs(argv: readonly string[]): Args | 'help' {
  let input: string | undefined;
  let out: string | undefined;
  let quantize: Quantization | undefined;
  let labels: string | undefined;
  let force = false;
  let quiet = false;
  let channelOrder: 'BGR' | 'RGB' | undefined;
  let foldStd = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('-')) throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (a === '-h' || a === '--help') return 'help';
    else if (a === '-o' || a === '--out') out = value();
    else if (a === '--quantize') {
      const q = value();
      if (q !== 'fp16' && q !== 'uint8') throw new UsageError(`--quantize must be fp16 or uint8, got ${q}`);
      quantize = q;
    } else if (a === '--labels') labels = value();
    else if (a === '--channel-order') {
      const c = value().toUpperCase();
      if (c !== 'BGR' && c !== 'RGB') throw new UsageError(`--channel-order must be bgr or rgb, got ${c.toLowerCase()}`);
      channelOrder = c;
    } else if (a === '--fold-std') foldStd = true;
    else if (a === '--force') force = true;
    else if (a === '--quiet') quiet = true;
    else if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
    else if (input === undefined) input = a;
    else throw new UsageError(`unexpected argument ${a}`);
  }
  if (input === undefined) throw new UsageError('missing <input>');
  if (out === undefined) throw new UsageError('missing -o <out-dir>');
  return { input, out, quantize, labels, force, quiet, channelOrder, foldStd };
}

export function readLabels(file: string): string[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConverterError(`cannot read labels: ${(e as Error).message}`, { file });
  }
  if (text.trimStart().startsWith('[')) {
    let v: unknown;
    try { v = JSON.parse(text); } catch { throw new ConverterError('labels file is not valid JSON', { file }); }
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new ConverterError('labels JSON must be an array of strings', { file });
    return v as string[];
  }
  return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
}

function mib(n: number): string { return `${(n / 1024 / 1024).toFixed(2)} MiB`; }

export function formatSummary(s: ConvertSummary): string {
  return [
    `converted ${s.input} (${s.format}, layers mapped by ${s.mappedBy}) -> ${s.outDir}`,
    `  arch ${s.arch}, ${s.numClasses} classes, width divisor ${s.widthDiv}`,
    `  ${s.tensors} tensors, ${s.params.toLocaleString('en-US')} parameters, ${s.bytes.toLocaleString('en-US')} bytes (${mib(s.bytes)}, ${s.quantize}) in ${s.shards} shard(s)`,
    ...s.notes.map((n) => `  note: ${n}`),
  ].join('\n') + '\n';
}

export async function runConvertCommand(argv: readonly string[], io: CommandIO = process): Promise<number> {
  let args: Args | 'help';
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr.write(`mrcnn convert: ${e.message}\n${CONVERT_USAGE}`);
    return 2;
  }
  if (args === 'help') {
    io.stdout.write(CONVERT_USAGE);
    return 0;
  }
  const a = args;
  let lastPct = -1;
  const onProgress = (done: number, total: number, what: string): void => {
    if (a.quiet || total < PROGRESS_MIN_BYTES) return;
    const pct = Math.floor((100 * done) / total);
    if (pct === lastPct || pct % 10 !== 0) return;
    lastPct = pct;
    io.stderr.write(`${what.split(' ')[0]} ${pct}%\n`);
  };
  try {
    const labels = a.labels === undefined ? undefined : readLabels(a.labels);
    const summary = await convert(a.input, a.out, {
      quantize: a.quantize, labels, overwrite: a.force, onProgress, channelOrder: a.channelOrder, foldStd: a.foldStd,
    });
    io.stdout.write(formatSummary(summary));
    return 0;
  } catch (e) {
    if (e instanceof ConverterError) {
      io.stderr.write(`mrcnn convert: ${e.name}: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
