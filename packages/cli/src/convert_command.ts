/**
 * `mrcnn convert <input> -o <dir> [--quantize fp16|uint8] [--labels file] [--force] [--quiet]`:
 * @mrcnn/weights-converter's `convert()` on the command line, with progress on stderr for large
 * inputs and a summary on stdout. Exit codes: 0 converted, 1 conversion failed (typed error
 * message), 2 usage error.
 */
import * as fs from 'fs';
import { convert, ConverterError, formatLayerReport } from '@mrcnn/weights-converter';
import type { ConvertSummary } from '@mrcnn/weights-converter';
import { choiceOption, optionalNumber, ParsedArgs } from './args';
import { Command, CommandIO, EXIT_OK, UsageError } from './command';
import { formatUsage } from './usage';

export const CONVERT_USAGE = formatUsage({
  name: 'convert',
  synopsis: '<input> -o <out-dir> [options]',
  description: `Converts weights to a tfjs model directory (model.json + shards of at most 4 MB, written
atomically). <input>: PyTorch .pth, ONNX .onnx, or OpenVINO IR .xml (with its .bin beside it);
.gz accepted.`,
  options: [
    ['-o, --out <dir>', 'output directory for model.json and its weight shards'],
    ['--quantize fp16|uint8', 'store weights as fp16 or uint8 (affine per tensor); default float32'],
    ['--labels <file>', 'class names (JSON array or one per line, background first), stored in model.json'],
    ['--name <name>', "the model's name, stored in model.json (default: the architecture's)"],
    ['--default-score <0..1>', "the model's default detect score threshold, stored in model.json (default 0.5)"],
    ['--channel-order bgr|rgb', 'make the network take this channel order (reorders the first convolution)'],
    ['--fold-std', 'fold the input std into the first convolution (the model divides by 1)'],
    ['--force', 'replace a non-empty output directory'],
    ['--quiet', 'no progress output'],
  ],
  exit: { ok: 'converted', runtime: 'the input cannot be read or does not fit the architecture' },
});

/** Inputs above this size get progress lines on stderr. */
const PROGRESS_MIN_BYTES = 32 * 1024 * 1024;

/** Class names from a JSON array or a text file with one name per line. */
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

/** The summary `mrcnn convert` prints. */
export function formatSummary(s: ConvertSummary): string {
  return [
    `converted ${s.input} (${s.format}, layers mapped by ${s.mappedBy}) -> ${s.outDir}`,
    `  arch ${s.arch}, ${s.numClasses} classes, width divisor ${s.widthDiv}`,
    `  layers: ${formatLayerReport(s.layers)}`,
    `  ${s.tensors} tensors, ${s.params.toLocaleString('en-US')} parameters, ${s.bytes.toLocaleString('en-US')} bytes (${mib(s.bytes)}, ${s.quantize}) in ${s.shards} shard(s)`,
    ...s.notes.map((n) => `  note: ${n}`),
  ].join('\n') + '\n';
}

async function runConvert(args: ParsedArgs, io: CommandIO): Promise<number> {
  if (args.positionals.length === 0) throw new UsageError('missing <input>');
  if (args.positionals.length > 1) throw new UsageError(`unexpected argument ${args.positionals[1]}`);
  const input = args.positionals[0];
  const out = args.values.out;
  if (out === undefined) throw new UsageError('missing -o <out-dir>');
  const quantize = choiceOption(args, 'quantize', ['fp16', 'uint8'] as const);
  const order = choiceOption(args, 'channel-order', ['bgr', 'rgb'] as const);
  const channelOrder = order === undefined ? undefined : order === 'bgr' ? 'BGR' : 'RGB';
  const quiet = args.flags.quiet === true;
  let lastPct = -1;
  const onProgress = (done: number, total: number, what: string): void => {
    if (quiet || total < PROGRESS_MIN_BYTES) return;
    const pct = Math.floor((100 * done) / total);
    if (pct === lastPct || pct % 10 !== 0) return;
    lastPct = pct;
    io.stderr.write(`${what.split(' ')[0]} ${pct}%\n`);
  };
  const labels = args.values.labels === undefined ? undefined : readLabels(args.values.labels);
  const name = args.values.name;
  if (name !== undefined && name.trim() === '') throw new UsageError('--name needs a non-empty name');
  const defaultScoreThreshold = optionalNumber(args, 'default-score', 0, 1);
  const summary = await convert(input, out, {
    quantize, labels, overwrite: args.flags.force === true, onProgress, channelOrder, foldStd: args.flags['fold-std'] === true,
    name, defaultScoreThreshold,
  });
  io.stdout.write(formatSummary(summary));
  return EXIT_OK;
}

export const convertCommand: Command = {
  name: 'convert',
  synopsis: '<input> -o <dir>',
  summary: 'convert a .pth / ONNX / OpenVINO IR to a tfjs model.json',
  options: {
    out: { type: 'string', short: 'o' }, quantize: { type: 'string' }, labels: { type: 'string' },
    'channel-order': { type: 'string' }, 'fold-std': { type: 'boolean' }, force: { type: 'boolean' }, quiet: { type: 'boolean' },
    name: { type: 'string' }, 'default-score': { type: 'string' },
  },
  usage: () => CONVERT_USAGE,
  run: runConvert,
};
