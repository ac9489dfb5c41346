/**
 * Which data-set category each model class stands for in `mrcnn eval`. Automatic only where it
 * is unambiguous: every class names a category (case-insensitive), or a torchvision 91-class
 * model, whose class ids are COCO's category ids. Anything else needs `--class-map`: scoring a
 * shapes model's class 1 as COCO's "person" without a word would print meaningless APs.
 * `--class-map` takes `contiguous` (class i = the i-th smallest category id: Detectron's and the
 * 0049 card's convention), `identity` (class i = category i) or a JSON file
 * `{"<class name or id>": <category id>, ...}` (classes left out are not evaluated).
 */
import * as fs from 'fs';
import { mapClassesToCategories } from '@mrcnn/model';
import type { CategoryMapping, CocoCategory } from '@mrcnn/model';
import { UsageError } from './command';

function preview(names: readonly string[]): string {
  return `${names.slice(0, 5).join(', ')}${names.length > 5 ? `, … (${names.length})` : ''}`;
}

function fromFile(file: string, labels: readonly string[], numClasses: number, categories: readonly CocoCategory[]): CategoryMapping {
  let spec: unknown;
  try {
    spec = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`--class-map ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw new UsageError(`--class-map ${file}: expected a JSON object {"<class name or id>": <category id>}`);
  }
  const ids = new Set(categories.map((c) => c.id));
  const map = new Map<number, number>();
  for (const [key, value] of Object.entries(spec)) {
    const byName = labels.findIndex((l, i) => i > 0 && l.toLowerCase() === key.toLowerCase());
    const classId = byName > 0 ? byName : /^\d+$/.test(key) ? Number(key) : -1;
    if (classId < 1 || classId >= numClasses) throw new UsageError(`--class-map ${file}: "${key}" is not a class of the model (${preview(labels.slice(1))})`);
    if (typeof value !== 'number' || !ids.has(value)) throw new UsageError(`--class-map ${file}: "${key}" maps to ${JSON.stringify(value)}, not a category id of the data set`);
    map.set(classId, value);
  }
  return { kind: 'identity', map };
}

/** The class → category mapping `mrcnn eval` uses (see the file comment); UsageError when it needs `--class-map`. */
export function categoryMapping(labels: readonly string[], numClasses: number, categories: readonly CocoCategory[], classMap?: string): CategoryMapping {
  if (classMap === 'identity') return { kind: 'identity', map: new Map(Array.from({ length: numClasses - 1 }, (_, i) => [i + 1, i + 1])) };
  if (classMap === 'contiguous') {
    if (categories.length !== numClasses - 1) {
      throw new UsageError(`--class-map contiguous: the model has ${numClasses - 1} classes, the data set ${categories.length} categories`);
    }
    const sorted = categories.map((c) => c.id).sort((a, b) => a - b);
    return { kind: 'contiguous', map: new Map(sorted.map((id, i) => [i + 1, id])) };
  }
  if (classMap !== undefined) return fromFile(classMap, labels, numClasses, categories);
  const auto = mapClassesToCategories(labels, numClasses, categories);
  if (auto.kind === 'name' || (auto.kind === 'identity' && numClasses === 91)) return auto;
  throw new UsageError(`the model's classes (${preview(labels.slice(1))}) are not the data set's categories `
    + `(${preview(categories.map((c) => String(c.name)))}): pass --class-map contiguous, identity or a JSON file mapping them`);
}
