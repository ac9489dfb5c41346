/**
 * The image lists the commands work on. A directory's images are its PNG/JPEG files sorted by
 * name (`mrcnn detect <dir>`, `mrcnn enqueue <dir>`); `enqueue` also takes a list file (one path a
 * line, relative to the list's directory; blank lines and `#` comments skipped) or a glob (`*`,
 * `?`, `[...]`, `**` across directories; quote it so the shell leaves it alone). Each image gets a
 * stable key (its path relative to the input's directory, `/`-separated) and its COCO image id
 * (`imageIdOf`: a numeric stem, else its 1-based position in the list, as `detect <dir>` numbers them).
 */
import * as fs from 'fs';
import * as path from 'path';
import { UsageError } from './command';
import { imageIdOf } from './coco_results';

export const IMAGE_EXT = /\.(png|jpe?g)$/i;

/** A directory's image files, sorted by name, as paths under `dir`. */
export function listDirImages(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => IMAGE_EXT.test(f)).sort().map((f) => path.join(dir, f));
}

export interface ListedImage {
  key: string;
  /** Absolute path. */
  file: string;
  imageId: number;
}

export interface ImageList {
  /** Default name of the outputs: the directory's name, the list file's stem, the glob's directory's name. */
  name: string;
  kind: 'dir' | 'list' | 'glob';
  images: ListedImage[];
}

const GLOB_CHARS = /[*?[]/;

/** A glob as a regular expression over `/`-separated relative paths. */
export function globRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*' && pattern[i + 1] === '*') {
      const slash = pattern[i + 2] === '/';
      re += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') {
      re += '[^/]*';
    } else if (c === '?') {
      re += '[^/]';
    } else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) {
        re += '\\[';
        continue;
      }
      const body = pattern.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\');
      re += `[${body}]`;
      i = end;
    } else {
      re += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
    }
  }
  return new RegExp(`^${re}$`);
}

function walk(dir: string, rel: string, out: string[]): void {
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel === '' ? e.name : `${rel}/${e.name}`;
    if (e.isDirectory()) walk(dir, r, out);
    else if (e.isFile()) out.push(r);
  }
}

function numbered(keys: string[], fileOf: (key: string) => string): ListedImage[] {
  return keys.map((key, i) => ({ key, file: path.resolve(fileOf(key)), imageId: imageIdOf(path.posix.basename(key), i + 1) }));
}

/** The images of `<dir|list|glob>`. */
export function listImages(input: string): ImageList {
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(input);
  } catch {
    stat = undefined;
  }
  if (stat === undefined && GLOB_CHARS.test(input)) {
    const parts = input.split(/[\\/]/);
    const fixed = parts.findIndex((p) => GLOB_CHARS.test(p));
    const base = parts.slice(0, fixed).join('/') || '.';
    const re = globRegExp(parts.slice(fixed).join('/'));
    const found: string[] = [];
    if (fs.existsSync(base)) walk(base, '', found);
    const keys = found.filter((r) => re.test(r) && IMAGE_EXT.test(r)).sort();
    return { name: path.basename(path.resolve(base)), kind: 'glob', images: numbered(keys, (k) => path.join(base, k)) };
  }
  if (stat === undefined) throw new UsageError(`${input}: no such file, directory or matching glob`);
  if (stat.isDirectory()) {
    const keys = listDirImages(input).map((f) => path.basename(f));
    return { name: path.basename(path.resolve(input)), kind: 'dir', images: numbered(keys, (k) => path.join(input, k)) };
  }
  if (IMAGE_EXT.test(input)) throw new UsageError(`${input}: give a directory, a list file (one image path a line) or a glob, not one image`);
  const base = path.dirname(input);
  const keys: string[] = [];
  const seen = new Set<string>();
  fs.readFileSync(input, 'utf8').split(/\r?\n/).forEach((raw, n) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const key = path.posix.normalize(line.replace(/\\/g, '/'));
    if (seen.has(key)) throw new UsageError(`${input}:${n + 1}: ${line} is listed twice`);
    seen.add(key);
    keys.push(key);
  });
  return { name: path.basename(input).replace(/\.[^.]*$/, ''), kind: 'list', images: numbered(keys, (k) => (path.isAbsolute(k) ? k : path.join(base, k))) };
}
