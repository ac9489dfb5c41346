/**
 * The catalogue of named models: published checkpoints that `@mrcnn/hub` downloads, verifies,
 * converts once and caches, so `load('<name>')` and `mrcnn detect --model <name>` work with no
 * manual step. Plain data, read by the hub (Node), by `@mrcnn/model`'s `load` (to tell a name from a
 * path, and to say what to install) and by the command line. A new model is one entry in `MODELS`.
 *
 * Each checkpoint is verified as torch.hub's `load_state_dict_from_url(check_hash=True)` does: the
 * file name carries the leading hex digits of its SHA-256 (`maskrcnn_resnet50_fpn_coco-bf2d0c1e.pth`),
 * which the downloaded bytes' digest must start with (`sha256PrefixOf`).
 */
import { ConfigError } from '../errors';
import { TORCHVISION_COCO_CATEGORIES } from './coco_categories';

/** A figure as its publisher reports it (not measured by this project). */
export interface PublishedMetrics {
  /** Box mAP@[.5:.95] in percent. */
  readonly boxAP: number;
  /** Mask mAP@[.5:.95] in percent. */
  readonly maskAP: number;
  /** The evaluation set, e.g. 'COCO val2017'. */
  readonly dataset: string;
  /** Where the figures are published. */
  readonly source: string;
}

export interface ModelEntry {
  /** What `load()` and `--model` accept: lower-case letters, digits, '.', '_' and '-'. */
  readonly name: string;
  /** The checkpoint's download URL (http or https). */
  readonly url: string;
  /** Leading hex digits (at least 8) of the checkpoint's SHA-256. */
  readonly sha256Prefix: string;
  /** The architecture: a `VARIANTS` name of this package. Entries whose variant is not in `VARIANTS` are listed but refused. */
  readonly variant: string;
  /** Class names stored with the converted model (background first). */
  readonly labels?: readonly string[];
  /** One line for `mrcnn models`. */
  readonly description: string;
  /** The publisher's own figures, if any. */
  readonly published?: PublishedMetrics;
  /** The terms the weights come with, as the publisher states them. */
  readonly licence: string;
}

const TORCHVISION_LICENCE = "torchvision's code is BSD-3-Clause; its pre-trained weights may carry terms from their "
  + 'training data (COCO: annotations CC BY 4.0, images under Flickr terms): torchvision asks users to check that '
  + 'their use is permitted';

/** The built-in catalogue. */
export const MODELS: readonly ModelEntry[] = Object.freeze([
  {
    name: 'torchvision-maskrcnn-coco',
    url: 'https://download.pytorch.org/models/maskrcnn_resnet50_fpn_coco-bf2d0c1e.pth',
    sha256Prefix: 'bf2d0c1e',
    variant: 'torchvision-v1',
    labels: TORCHVISION_COCO_CATEGORIES,
    description: "torchvision's maskrcnn_resnet50_fpn, MaskRCNN_ResNet50_FPN_Weights.COCO_V1 (91 COCO classes)",
    published: {
      boxAP: 37.9, maskAP: 34.6, dataset: 'COCO val2017',
      source: 'torchvision MaskRCNN_ResNet50_FPN_Weights.COCO_V1 meta["_metrics"]',
    },
    licence: TORCHVISION_LICENCE,
  },
  {
    name: 'torchvision-maskrcnn-v2-coco',
    url: 'https://download.pytorch.org/models/maskrcnn_resnet50_fpn_v2_coco-73cbd019.pth',
    sha256Prefix: '73cbd019',
    variant: 'torchvision-v2',
    labels: TORCHVISION_COCO_CATEGORIES,
    description: "torchvision's maskrcnn_resnet50_fpn_v2, MaskRCNN_ResNet50_FPN_V2_Weights.COCO_V1 (91 COCO classes)",
    published: {
      boxAP: 47.4, maskAP: 41.8, dataset: 'COCO val2017',
      source: 'torchvision MaskRCNN_ResNet50_FPN_V2_Weights.COCO_V1 meta["_metrics"]',
    },
    licence: TORCHVISION_LICENCE,
  },
]);

const NAME = /^[a-z0-9][a-z0-9._-]*$/;
const HEX_PREFIX = /^[0-9a-f]{8,64}$/;
// torch.hub's HASH_REGEX (torch/hub.py), searched in the URL's file name.
const TORCH_HUB_HASH = /-([a-f0-9]*)\./;

/** The built-in entry called `name`, or undefined. */
export function builtinModel(name: string): ModelEntry | undefined {
  return MODELS.find((m) => m.name === name);
}

/** The built-in names, in table order. */
export function modelNames(): string[] {
  return MODELS.map((m) => m.name);
}

/** Whether `s` has the form of a model name (and so is no path or URL). */
export function isModelNameLike(s: string): boolean {
  return NAME.test(s) && !s.endsWith('.json');
}

/** The URL's file name (last path segment, decoded), or '' when it has none. */
export function urlFileName(url: string): string {
  let pathname: string;
  try {
    pathname = new URL(url).pathname;
  } catch {
    return '';
  }
  const last = pathname.split('/').pop() ?? '';
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

/**
 * The hash prefix torch.hub reads from a URL's file name (`-<hex>.`), or undefined when the name
 * carries none: `load_state_dict_from_url(check_hash=True)` then checks that the SHA-256 of the
 * file starts with it.
 */
export function sha256PrefixOf(url: string): string | undefined {
  const m = TORCH_HUB_HASH.exec(urlFileName(url));
  return m !== null && m[1].length > 0 ? m[1] : undefined;
}

function field(where: string, name: string, message: string): ConfigError {
  return new ConfigError(`${where}.${name}`, message);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Checks a catalogue entry given as plain JSON (`where` names it in errors, e.g. the file and index)
 * and returns it typed; ConfigError naming the field otherwise.
 */
export function checkModelEntry(value: unknown, where: string): ModelEntry {
  if (!isRecord(value)) throw new ConfigError(where, 'a model entry must be an object');
  const str = (k: string, required: boolean): string | undefined => {
    const v = value[k];
    if (v === undefined && !required) return undefined;
    if (typeof v !== 'string' || v.length === 0) throw field(where, k, `expected a non-empty string, got ${JSON.stringify(v)}`);
    return v;
  };
  const name = str('name', true)!;
  if (!NAME.test(name) || name.endsWith('.json')) throw field(where, 'name', `${JSON.stringify(name)}: use lower-case letters, digits, '.', '_' and '-', starting with a letter or digit`);
  const url = str('url', true)!;
  if (!/^https?:\/\/[^/]/i.test(url) || urlFileName(url) === '') throw field(where, 'url', `${JSON.stringify(url)}: expected an http(s) URL of a file`);
  const sha256Prefix = (str('sha256Prefix', false) ?? sha256PrefixOf(url))?.toLowerCase();
  if (sha256Prefix === undefined) throw field(where, 'sha256Prefix', 'missing, and the URL\'s file name carries no -<hash>. part (torch.hub\'s convention)');
  if (!HEX_PREFIX.test(sha256Prefix)) throw field(where, 'sha256Prefix', `${JSON.stringify(sha256Prefix)}: expected 8 to 64 hex digits`);
  const variant = str('variant', true)!;
  const labels = value.labels;
  if (labels !== undefined && (!Array.isArray(labels) || !labels.every((l) => typeof l === 'string'))) {
    throw field(where, 'labels', 'expected an array of strings');
  }
  const published = value.published;
  if (published !== undefined && (!isRecord(published) || typeof published.boxAP !== 'number' || typeof published.maskAP !== 'number'
    || typeof published.dataset !== 'string' || typeof published.source !== 'string')) {
    throw field(where, 'published', 'expected { boxAP, maskAP, dataset, source }');
  }
  return {
    name, url, sha256Prefix, variant,
    ...(labels !== undefined ? { labels: [...(labels as string[])] } : {}),
    description: str('description', false) ?? url,
    ...(published !== undefined ? { published: published as unknown as PublishedMetrics } : {}),
    licence: str('licence', false) ?? 'not stated',
  };
}
