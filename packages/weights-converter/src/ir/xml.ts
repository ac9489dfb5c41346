/** OpenVINO IR v10/v11 `.xml` -> layers and edges (fast-xml-parser; no entity expansion, no DTDs). */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { WeightsFormatError } from '../errors';

export interface IrPort { id: string; dims: number[]; precision?: string }

export interface IrLayer {
  id: string;
  name: string;
  type: string;
  version: string;
  data: Record<string, string>;
  inputs: IrPort[];
  outputs: IrPort[];
}

export interface IrEdge { fromLayer: string; fromPort: string; toLayer: string; toPort: string }

export interface IrNet { name: string; version: number; layers: IrLayer[]; edges: IrEdge[] }

type Node = Record<string, unknown>;
const ARRAYS = new Set(['net.layers.layer', 'net.edges.edge', 'net.layers.layer.input.port', 'net.layers.layer.output.port',
  'net.layers.layer.input.port.dim', 'net.layers.layer.output.port.dim']);

function asNode(v: unknown): Node { return typeof v === 'object' && v !== null ? (v as Node) : {}; }
function str(v: unknown): string { return v === undefined || v === null ? '' : String(v); }

function ports(v: unknown, layer: string, file: string): IrPort[] {
  const list = asNode(v).port;
  if (list === undefined) return [];
  return (list as unknown[]).map((p) => {
    const n = asNode(p);
    const dims = ((n.dim as unknown[] | undefined) ?? []).map((d) => {
      const x = Number(typeof d === 'object' ? asNode(d)['#text'] : d);
      if (!Number.isSafeInteger(x) || x < -1) throw new WeightsFormatError(`port dim ${str(d)} is not an integer`, { file, op: layer });
      return x;
    });
    return { id: str(n.id), dims, precision: n.precision === undefined ? undefined : str(n.precision) };
  });
}

export function parseIrXml(text: string, file: string): IrNet {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new WeightsFormatError('DTDs and entity declarations are not allowed in an IR', { file });
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new WeightsFormatError(`not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`, { file });
  const parser = new XMLParser({
    ignoreAttributes: false, attributeNamePrefix: '', parseAttributeValue: false, parseTagValue: false,
    processEntities: false, allowBooleanAttributes: true, isArray: (_n, jpath) => ARRAYS.has(String(jpath)),
  });
  const doc = asNode(parser.parse(text));
  const net = asNode(doc.net);
  if (doc.net === undefined) throw new WeightsFormatError('no <net> element: not an OpenVINO IR', { file });
  const version = Number(net.version);
  if (version !== 10 && version !== 11) throw new WeightsFormatError(`IR version ${str(net.version)} is not supported (10 or 11)`, { file });
  const layers = ((asNode(net.layers).layer as unknown[] | undefined) ?? []).map((l) => {
    const n = asNode(l);
    const id = str(n.id);
    const data: Record<string, string> = {};
    for (const [k, v] of Object.entries(asNode(n.data))) data[k] = str(v);
    return { id, name: str(n.name), type: str(n.type), version: str(n.version), data, inputs: ports(n.input, id, file), outputs: ports(n.output, id, file) };
  });
  const edges = ((asNode(net.edges).edge as unknown[] | undefined) ?? []).map((e) => {
    const n = asNode(e);
    return { fromLayer: str(n['from-layer']), fromPort: str(n['from-port']), toLayer: str(n['to-layer']), toPort: str(n['to-port']) };
  });
  if (layers.length === 0) throw new WeightsFormatError('IR has no layers', { file });
  return { name: str(net.name), version, layers, edges };
}
