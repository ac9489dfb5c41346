/**
 * The structural matcher on a real exporter's graph (the K=32 0049 export with tied biases,
 * test/fixtures/converter/zoo): independent of the layer order, and when a part cannot be placed the
 * error names the canonical tensor, the shape and feed expected and the nearest unplaced layers with
 * their shapes and what feeds them.
 */
import * as path from 'path';
import * as zlib from 'zlib';
import { MissingTensorError } from '../errors';
import { buildOnnxGraph } from '../onnx/graph';
import { decodeModel } from '../onnx/read';
import { collectConstants, nodesInOrder } from '../onnx/values';
import { fixture, readBytes } from '../../../../test/helpers/converter_fixtures';
import { GraphLayer, parametricLayers } from './graph';
import { describeLayer, matchStructure } from './match';

function layersOf(file: string): GraphLayer[] {
  const g = decodeModel(new Uint8Array(zlib.gunzipSync(readBytes(fixture(path.join('zoo', file))))), file).graph!;
  const nodes = nodesInOrder(g.node, file);
  return parametricLayers(buildOnnxGraph(nodes, collectConstants(g, nodes, file), file), file);
}

describe('matchStructure', () => {
  const layers = layersOf('o49_k32_tied_op11.onnx.gz');
  const byModule = matchStructure(layers, 'tied.onnx').modules;

  it('places every layer the same way whatever the order of the layer list', () => {
    expect(byModule.size).toBe(74);
    for (const order of [[...layers].reverse(), [...layers].sort((a, b) => a.id.localeCompare(b.id))]) {
      const m = matchStructure(order, 'tied.onnx').modules;
      expect([...m].map(([k, l]) => [k, l.id]).sort()).toEqual([...byModule].map(([k, l]) => [k, l.id]).sort());
    }
  });

  it('a layer that does not fit is named with its shape and what feeds it', () => {
    const lateral = byModule.get('backbone.fpn.inner_blocks.2')!;
    const stage3 = byModule.get('backbone.body.layer3.5.conv3')!;
    const wrong = layers.map((l) => (l === lateral ? { ...l, weight: { ...l.weight, shape: [8, 33, 1, 1] } } : l));
    let err: unknown;
    try { matchStructure(wrong, 'tied.onnx'); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(MissingTensorError);
    const msg = (err as Error).message;
    expect(msg).toContain("no layer in the graph matches the FPN lateral 1x1 conv on stage 3's output (expected conv [?,32,1,1] fed by ");
    expect(msg).toContain(stage3.id);
    expect(msg).toContain(`unplaced layers of that shape or feed: ${lateral.op} ${lateral.id} [8,33,1,1] fed by ${lateral.upstream.join(' + ')} (other shape)`);
    expect(msg).toMatch(/tensor backbone\.fpn\.inner_blocks\.2\.weight/);
    expect(describeLayer(lateral)).toBe(`Conv ${lateral.id} [8,32,1,1] fed by ${lateral.upstream.join(' + ')}`);
  });

  it('a missing layer: the error says so and lists the layers fed where it should be', () => {
    const fc7 = byModule.get('roi_heads.box_head.fc7')!;
    const fc6 = byModule.get('roi_heads.box_head.fc6')!;
    // Without fc7, cls_score and bbox_pred would be fed by fc6 directly.
    const cut = layers.filter((l) => l !== fc7).map((l) => (l.upstream.includes(fc7.id) ? { ...l, upstream: [fc6.id] } : l));
    expect(() => matchStructure(cut, 'cut.onnx')).toThrow(new RegExp(
      `no layer in the graph matches the FC 32->32 after ${fc6.id} \\(expected fc \\[32,32\\] fed by ${fc6.id}\\); unplaced layers of that shape or feed: Gemm .* \\[81,32\\] fed by ${fc6.id} \\(other shape\\)`));
  });
});
