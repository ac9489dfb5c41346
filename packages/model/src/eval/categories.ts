/**
 * Model class id -> data-set category id. In order of preference: by name (every non-background
 * label names a category, case-insensitive), contiguous (numClasses - 1 = number of categories: class
 * i is the i-th smallest category id, Detectron's convention and the 0049 card's), or identity
 * (torchvision's 91-class COCO ids).
 */
import type { CocoCategory } from './types';

export type CategoryMapping = { kind: 'name' | 'contiguous' | 'identity'; map: Map<number, number> };

export function mapClassesToCategories(labels: readonly string[], numClasses: number, categories: readonly CocoCategory[]): CategoryMapping {
  const byName = new Map(categories.filter((c) => typeof c.name === 'string').map((c) => [String(c.name).toLowerCase(), c.id]));
  const named = new Map<number, number>();
  for (let i = 1; i < numClasses; i++) {
    const id = byName.get(String(labels[i] ?? '').toLowerCase());
    if (id !== undefined) named.set(i, id);
  }
  if (named.size === numClasses - 1) return { kind: 'name', map: named };
  const sorted = categories.map((c) => c.id).sort((a, b) => a - b);
  if (sorted.length === numClasses - 1) return { kind: 'contiguous', map: new Map(sorted.map((id, i) => [i + 1, id])) };
  return { kind: 'identity', map: new Map(Array.from({ length: numClasses - 1 }, (_, i) => [i + 1, i + 1])) };
}
