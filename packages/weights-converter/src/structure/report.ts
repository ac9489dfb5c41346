/**
 * What a conversion did with the source's layers, for the summary line of `mrcnn convert` and the
 * API result: how the modules were placed (graph structure or stored names), how each tensor reached
 * its layer (stored, through Identity, computed by a constant subgraph, decompressed...), which
 * per-channel ops were folded in, and whether the stored names agree with the places found.
 */
import { canonicalName, layerKind, splitName, stripCommonPrefix } from '../transform/names';
import { WeightMap } from '../types';
import { MatchResult } from './match';

export interface LayerReport {
  /** 'structure': placed by the graph walk; 'names': by the stored (canonical) names. */
  method: 'structure' | 'names';
  /** Weight layers (modules) converted. */
  layers: number;
  /** Tensors by route: 'stored' (used as stored), or the ops between the stored tensors and the layer ('Identity', 'Convert', 'Reshape/Div/Sqrt/Add'...). */
  routes: { route: string; tensors: string[] }[];
  /** Per-channel ops folded into layers, by op sequence ('Mul+Add', 'BatchNormalization', 'BatchNorm tensors'). */
  folds: { ops: string; layers: number; via: string[] }[];
  /** Structure only: layers whose stored weight name names the module found, others (renamed by the exporter, opaque). */
  names?: { agree: number; other: number };
}

function addRoute(routes: Map<string, string[]>, route: string, tensor: string): void {
  routes.set(route, [...(routes.get(route) ?? []), tensor]);
}

function sortedRoutes(routes: Map<string, string[]>): LayerReport['routes'] {
  return [...routes].map(([route, tensors]) => ({ route, tensors })).sort((a, b) => (a.route === 'stored' ? -1 : b.route === 'stored' ? 1 : b.tensors.length - a.tensors.length));
}

export function reportFromMatch(match: MatchResult): LayerReport {
  const routes = new Map<string, string[]>();
  const folds = new Map<string, { layers: number; via: Set<string> }>();
  let agree = 0;
  const srcNames = [...match.modules.values()].map((l) => l.weight.name);
  const prefix = stripCommonPrefix(srcNames.filter((n) => !n.includes('::')));
  for (const [mod, l] of match.modules) {
    const [srcMod, field] = splitName(canonicalName(l.weight.name.startsWith(prefix) ? l.weight.name.slice(prefix.length) : l.weight.name));
    if (field === 'weight' && srcMod === mod) agree++;
    const wr = l.routes?.weight;
    addRoute(routes, wr === undefined || wr.via.length === 0 ? 'stored' : wr.via.join('/'), `${mod}.weight`);
    if (l.bias !== undefined && l.routes?.bias !== undefined) {
      const br = l.routes.bias;
      addRoute(routes, br.via.length === 0 ? 'stored' : br.via.join('/'), `${mod}.bias`);
    }
    if (l.folded !== undefined && l.folded.length > 0) {
      const key = l.folded.map((f) => f.op).join('+');
      const e = folds.get(key) ?? { layers: 0, via: new Set<string>() };
      e.layers++;
      for (const f of l.folded) for (const op of f.route?.via ?? []) e.via.add(op);
      folds.set(key, e);
    }
  }
  return {
    method: 'structure',
    layers: match.modules.size,
    routes: sortedRoutes(routes),
    folds: [...folds].map(([ops, e]) => ({ ops, layers: e.layers, via: [...e.via] })),
    names: { agree, other: match.modules.size - agree },
  };
}

/** A state dict mapped by names (canonical names, BN tensors not folded yet). */
export function reportFromNames(canonical: WeightMap): LayerReport {
  let layers = 0;
  let bn = 0;
  for (const name of canonical.keys()) {
    const [mod, field] = splitName(name);
    if (field !== 'weight') continue;
    if (layerKind(mod) !== undefined) layers++;
    else if (/\.(bn\d|downsample\.1)$|^backbone\.body\.bn1$/.test(mod)) bn++;
  }
  return {
    method: 'names', layers, routes: [{ route: 'stored', tensors: [...canonical.keys()] }],
    folds: bn > 0 ? [{ ops: 'BatchNorm tensors', layers: bn, via: [] }] : [],
  };
}

const listed = (names: string[], max = 3): string =>
  `${names.slice(0, max).join(', ')}${names.length > max ? `, … ${names.length - max} more` : ''}`;

/** One line: `74 layers placed by graph structure (...names...); tensors: 92 stored, 3 through Identity (...); folded: Mul+Add into 53 layers`. */
export function formatLayerReport(r: LayerReport): string {
  const names = r.names === undefined ? ''
    : r.names.other === 0 ? ' (every stored weight name agrees with its place)'
      : r.names.agree === 0 ? ' (no stored name names its module)'
        : ` (stored weight names agree for ${r.names.agree}; ${r.names.other} renamed by the exporter or opaque)`;
  const head = r.method === 'structure' ? `${r.layers} layers placed by graph structure${names}` : `${r.layers} layers mapped by stored names`;
  const routes = r.routes.map((x) => (x.route === 'stored'
    ? `${x.tensors.length} stored`
    : `${x.tensors.length} through ${x.route} (${listed(x.tensors)})`));
  const folds = r.folds.map((f) => `${f.ops} into ${f.layers} layers${f.via.length > 0 ? ` (constants computed by ${f.via.join('/')})` : ''}`);
  return [head, `tensors: ${routes.join(', ')}`, ...(folds.length > 0 ? [`folded: ${folds.join(', ')}`] : [])].join('; ');
}
