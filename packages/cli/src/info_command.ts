/** `mrcnn info <model>`: the config, parameter counts and the weight tensors of a model.json. */
import { countParameters } from '@mrcnn/schema';
import type { ParsedArgs } from './args';
import { Command, CommandIO, EXIT_OK, UsageError } from './command';
import { formatUsage } from './usage';
import { readModelFile } from './model_file';
import { resolveModelOption } from './model_option';

export const INFO_USAGE = formatUsage({
  name: 'info',
  synopsis: '<model dir|model.json|model name> [--json] [--tensors]',
  description: `A model name (mrcnn models) is fetched into the cache first when it is not there.
Prints the model's name, the architecture config stored in model.json, the parameter count
(the model card's counting rule: the RPN head once per pyramid level, and unique parameters),
shards and bytes, and with --tensors every weight (name, shape, dtype). Reads no weight shard.`,
  options: [
    ['--json', 'machine-readable output (everything, one JSON object)'],
    ['--tensors', 'list the weight tensors'],
  ],
  exit: { runtime: 'the model cannot be read' },
});

async function runInfo(args: ParsedArgs, io: CommandIO): Promise<number> {
  if (args.positionals.length !== 1) throw new UsageError('info needs exactly one model directory, model.json or model name');
  const m = readModelFile(await resolveModelOption(args.positionals[0], io));
  const shapes: Record<string, { shape: number[] }> = {};
  for (const s of m.manifest.specs) shapes[s.name] = { shape: s.shape };
  const params = countParameters(shapes, m.config);
  const tensors = m.manifest.specs.map((s) => ({ name: s.name, shape: s.shape, dtype: s.dtype, quantization: s.quantization?.dtype }));
  const shards = m.manifest.groups.flatMap((g) => g.paths);
  if (args.flags.json) {
    io.stdout.write(`${JSON.stringify({ model: m.jsonPath, config: m.config, labels: m.labels, parameters: params,
      bytes: m.manifest.byteLength, shards, tensors }, null, 1)}\n`);
    return EXIT_OK;
  }
  const fmt = (n: number): string => n.toLocaleString('en-US');
  const lines = [
    `model:      ${m.jsonPath}`,
    `name:       ${m.config.name}`,
    `classes:    ${m.config.numClasses}${m.labels ? ` (labels stored: ${m.labels.slice(0, 6).join(', ')}${m.labels.length > 6 ? ', …' : ''})` : ''}`,
    `input:      ${m.config.input.transform} transform, min ${m.config.input.minSize} / max ${m.config.input.maxSize}, ${m.config.input.channelOrder}, pad to ${m.config.input.padMultiple}, policy ${m.config.input.resizePolicy}`,
    `backbone:   ResNet [${m.config.backbone.blocks.join(',')}], stride on ${m.config.backbone.strideOn}, width/${m.config.backbone.widthDiv}; FPN ${m.config.fpn.channels} channels`,
    `heads:      RPN ${m.config.rpn.convs} conv(s); box ${m.config.boxHead.convs} conv(s) + ${m.config.boxHead.fcs} FC(s) of ${m.config.boxHead.fcDim}; mask ${m.config.mask.convs} conv(s) of ${m.config.mask.channels}`,
    `parameters: ${fmt(params.total)} (card rule), ${fmt(params.unique)} unique`,
    `            ${Object.entries(params.byStage).map(([k, v]) => `${k} ${fmt(v)}`).join(', ')}`,
    `weights:    ${m.manifest.specs.length} tensors, ${fmt(m.manifest.byteLength)} bytes in ${shards.length} shard(s)`,
    `config:     ${JSON.stringify(m.config)}`,
  ];
  if (args.flags.tensors) {
    for (const t of tensors) lines.push(`  ${t.name} [${t.shape.join(',')}] ${t.dtype}${t.quantization ? ` (stored ${t.quantization})` : ''}`);
  }
  io.stdout.write(`${lines.join('\n')}\n`);
  return EXIT_OK;
}

export const infoCommand: Command = {
  name: 'info',
  synopsis: '<model>',
  summary: 'config, parameter count and tensors of a model.json',
  options: { json: { type: 'boolean' }, tensors: { type: 'boolean' } },
  usage: () => INFO_USAGE,
  run: runInfo,
};
