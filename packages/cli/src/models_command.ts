/**
 * `mrcnn models [list|fetch|export|remove]`: the named models of @mrcnn/hub's catalogue and its
 * cache. `list` (the default) shows every known model with its architecture, the publisher's AP and
 * whether it is cached (size, path); `fetch` makes the cache entry now; `export` writes a copy for
 * serving elsewhere (`--quantize fp16` for a web page); `remove` deletes a cache entry.
 */
import {
  cachedModel, cachedModels, cacheRoot, ensureModel, exportModel, knownModels, modelEntry, removeCachedModel,
} from '@mrcnn/hub';
import type { CachedModel } from '@mrcnn/hub';
import { isVariantName } from '@mrcnn/schema';
import type { ModelEntry } from '@mrcnn/schema';
import { choiceOption, ParsedArgs } from './args';
import { Command, CommandIO, EXIT_OK, UsageError } from './command';
import { fetchProgressPrinter, formatBytes } from './fetch_progress';
import { formatUsage } from './usage';

export const MODELS_USAGE = formatUsage({
  name: 'models',
  synopsis: `[list] [--json]
       mrcnn models fetch <name>
       mrcnn models export <name> -o <dir> [--quantize fp16|uint8] [--force]
       mrcnn models remove <name>`,
  description: `Named models are published checkpoints (torchvision's COCO Mask R-CNN) that are downloaded from
their publisher's URL (an interrupted download resumes), checked by SHA-256 as torch.hub does (the
hash prefix in the file name), converted once and kept in <cache>/models/<name>, where <cache> is
$MRCNN_CACHE_DIR or mrcnn/ in the user cache directory. 'mrcnn detect --model <name>' and
load('<name>') fetch on first use and later read the cache with no network. $MRCNN_MODEL_CATALOGUE
may name a JSON file of more entries ([{"name", "url", "variant", "sha256Prefix"?, "labels"?}]).

Actions:
  list (default)   the known models: architecture, the publisher's AP, cached or not (size, path)
  fetch <name>     download, verify and convert into the cache now
  export <name>    a copy of the cached model in <dir> (fetched first if needed), e.g. with
                   --quantize fp16 for a web page: half the bytes to download
  remove <name>    delete the cached model and any partial download of it`,
  options: [
    ['--json', 'list: one JSON object'],
    ['-o, --out <dir>', 'export: the output directory'],
    ['--quantize fp16|uint8', 'export: weight encoding (default: float32, as cached)'],
    ['--force', 'export: replace a non-empty output directory'],
    ['--quiet', 'no progress output'],
  ],
  exit: { runtime: 'runtime error (unknown or unsupported model, fetch failed: the error names the URL and how to convert a file by hand)' },
});

interface ListedModel {
  name: string;
  variant: string;
  supported: boolean;
  url?: string;
  description?: string;
  published?: ModelEntry['published'];
  licence?: string;
  cached: { dir: string; bytes: number; sha256?: string; fetchedAt?: string } | null;
}

function listed(entry: ModelEntry | undefined, name: string, cached: CachedModel | undefined): ListedModel {
  const variant = entry?.variant ?? cached?.record?.variant ?? 'unknown';
  const c = cached === undefined ? null : {
    dir: cached.dir, bytes: cached.bytes,
    ...(cached.record !== undefined ? { sha256: cached.record.sha256, fetchedAt: cached.record.fetchedAt } : {}),
  };
  if (entry === undefined) return { name, variant, supported: isVariantName(variant), cached: c };
  return {
    name, variant, supported: isVariantName(variant), url: entry.url, description: entry.description,
    ...(entry.published !== undefined ? { published: entry.published } : {}), licence: entry.licence, cached: c,
  };
}

function listModels(): ListedModel[] {
  const known = knownModels();
  const cached = new Map(cachedModels().map((m) => [m.name, m]));
  const rows = known.map((e) => listed(e, e.name, cached.get(e.name)));
  for (const [name, m] of cached) if (!known.some((e) => e.name === name)) rows.push(listed(undefined, name, m));
  return rows;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd()).join('\n');
}

function printList(io: CommandIO, json: boolean): void {
  const rows = listModels();
  const root = cacheRoot();
  if (json) {
    io.stdout.write(`${JSON.stringify({ cacheDir: root, models: rows }, null, 1)}\n`);
    return;
  }
  const cells = rows.map((m) => [
    m.name,
    m.supported ? m.variant : `${m.variant} (not supported yet)`,
    m.published ? `${m.published.boxAP} / ${m.published.maskAP} (${m.published.dataset})` : '-',
    m.cached ? `${formatBytes(m.cached.bytes)}  ${m.cached.dir}` : m.url === undefined ? '' : 'no',
  ]);
  io.stdout.write(`${table([['NAME', 'ARCHITECTURE', "PUBLISHER'S AP box / mask", 'CACHED'], ...cells])}\n`);
  io.stdout.write(`\ncache: ${root} (set MRCNN_CACHE_DIR to move it)\n`);
  io.stdout.write('AP: as each publisher reports it, not measured by this project.\n');
}

function oneName(args: ParsedArgs, action: string): string {
  const names = args.positionals.slice(1);
  if (names.length !== 1) throw new UsageError(`models ${action} needs exactly one model name`);
  return names[0];
}

async function runModels(args: ParsedArgs, io: CommandIO): Promise<number> {
  const action = args.positionals[0] ?? 'list';
  const quiet = args.flags.quiet === true;
  const onProgress = fetchProgressPrinter(io, quiet);
  const only = (allowed: string[]): void => {
    for (const o of ['json', 'out', 'quantize', 'force']) {
      if (!allowed.includes(o) && (args.values[o] !== undefined || args.flags[o])) throw new UsageError(`--${o} does not apply to models ${action}`);
    }
  };
  switch (action) {
    case 'list':
      if (args.positionals.length > 1) throw new UsageError(`unexpected argument ${args.positionals[1]}`);
      only(['json']);
      printList(io, args.flags.json === true);
      return EXIT_OK;
    case 'fetch': {
      only([]);
      const m = await ensureModel(oneName(args, action), { onProgress });
      io.stdout.write(`${m.name}: ${formatBytes(m.bytes)} in ${m.dir}\n`);
      return EXIT_OK;
    }
    case 'export': {
      only(['out', 'quantize', 'force']);
      const name = oneName(args, action);
      const out = args.values.out;
      if (out === undefined) throw new UsageError('models export needs -o <dir>');
      const quantize = choiceOption(args, 'quantize', ['fp16', 'uint8'] as const);
      const s = await exportModel(name, out, { onProgress, overwrite: args.flags.force === true, ...(quantize ? { quantize } : {}) });
      io.stdout.write(`${s.name}: ${formatBytes(s.bytes)} of weights (${s.quantize}) in ${s.shards} shard(s) -> ${s.outDir}\n`);
      return EXIT_OK;
    }
    case 'remove': {
      only([]);
      const name = oneName(args, action);
      if (cachedModel(name) === undefined) modelEntry(name); // an unknown name is an error; a known, uncached one is a no-op
      const freed = await removeCachedModel(name);
      io.stdout.write(freed > 0 ? `${name}: removed (${formatBytes(freed)} freed)\n` : `${name}: not cached\n`);
      return EXIT_OK;
    }
    default:
      throw new UsageError(`unknown action ${JSON.stringify(action)} (list, fetch, export or remove)`);
  }
}

export const modelsCommand: Command = {
  name: 'models',
  synopsis: '[list|fetch|export|remove]',
  summary: 'named models (torchvision COCO weights): list, fetch into the cache, export, remove',
  options: {
    json: { type: 'boolean' }, out: { type: 'string', short: 'o' }, quantize: { type: 'string' },
    force: { type: 'boolean' }, quiet: { type: 'boolean' },
  },
  usage: () => MODELS_USAGE,
  run: runModels,
};
