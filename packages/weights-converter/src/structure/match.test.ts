/**
 * The structural matcher on real exporters' graphs (the K=32 0049 export with tied biases and
 * torchvision's own export of maskrcnn_resnet50_fpn_v2 at K=16, test/fixtures/converter/zoo):
 * independent of the layer order, v2's stacked RPN convs, conv box head and single FC placed by who
 * feeds whom, and when a part cannot be placed the
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

  describe("torchvision v2's export (2-conv RPN head, 4 box-head convs + fc6, BN fused into every conv)", () => {
    const v2 = layersOf('tvv2_k16_op11.onnx.gz');
    const m = matchStructure(v2, 'v2.onnx').modules;
    const id = (name: string): string => m.get(name)!.id;

    it('places the RPN convs, box-head convs and fc6 by their feeds; no fc7', () => {
      expect(m.size).toBe(78);
      expect(m.has('roi_heads.box_head.fc7')).toBe(false);
      expect(m.has('rpn.head.conv3')).toBe(false);
      expect(m.get('rpn.head.conv2')!.upstream).toEqual([id('rpn.head.conv')]);
      expect(m.get('rpn.head.cls_logits')!.upstream).toEqual([id('rpn.head.conv2')]);
      expect(m.get('rpn.head.cls_logits')!.weight.shape).toEqual([3, 16, 1, 1]);
      for (let i = 2; i <= 4; i++) expect(m.get(`roi_heads.box_head.conv${i}`)!.upstream).toEqual([id(`roi_heads.box_head.conv${i - 1}`)]);
      expect(m.get('roi_heads.box_head.conv1')!.upstream.length).toBeGreaterThan(1); // RoIAlign on the pyramid + proposals
      expect(m.get('roi_heads.box_head.fc6')!.upstream).toEqual([id('roi_heads.box_head.conv4')]);
      expect(m.get('roi_heads.box_head.fc6')!.weight.shape).toEqual([64, 16 * 7 * 7]);
      expect(m.get('roi_heads.box_predictor.cls_score')!.upstream).toEqual([id('roi_heads.box_head.fc6')]);
      expect(m.get('roi_heads.mask_head.mask_fcn1')!.weight.shape).toEqual([16, 16, 3, 3]);
      expect(m.has('roi_heads.mask_head.mask_fcn5')).toBe(false);
      // BN fused by the exporter: every conv of the FPN and the heads has a bias.
      for (const name of ['backbone.fpn.inner_blocks.0', 'roi_heads.box_head.conv4', 'roi_heads.mask_head.mask_fcn4']) expect(m.get(name)!.bias).toBeDefined();
    });

    it('whatever the order of the layer list', () => {
      const r = matchStructure([...v2].reverse(), 'v2.onnx').modules;
      expect([...r].map(([k, l]) => [k, l.id]).sort()).toEqual([...m].map(([k, l]) => [k, l.id]).sort());
    });

    it('a box-head conv of another width breaks the chain: the conv is reported as matching no part', () => {
      const conv2 = m.get('roi_heads.box_head.conv2')!;
      const wrong = v2.map((l) => (l === conv2 ? { ...l, weight: { ...l.weight, shape: [16, 8, 3, 3] } } : l));
      expect(() => matchStructure(wrong, 'v2.onnx')).toThrow(/weight layer\(s\) match no part of the model: Conv .*\[16,(16|8),3,3\]/);
    });
  });
});
