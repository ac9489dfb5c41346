"""OpenVINO IR v11 (xml + bin) of the oracle's 0049 weights, written the way Model Optimizer emits
the network from its ONNX export, for @mrcnn/weights-converter's tests:

- FrozenBatchNorm fused into the preceding convolution (float32 arithmetic, as MO does), biases as
  separate `Add` layers with [1,C,1,1] / [1,C] constants;
- layer and constant names opaque (`Convolution_1234`, `Constant_5678`), never the PyTorch names;
- FCs as `MatMul` (transpose_b) on a `Reshape` of the RoI features, the mask upsampling as
  `ConvolutionBackpropData` ([Cin,Cout,2,2]), the shared RPN head one set of constants feeding
  five convolutions, the ExperimentalDetectron* ops between the heads;
- `--mean_values` as a `Subtract` on im_data before the stem;
- IR v11 (MO 2022+, default) or v10 (MO 2020.x-2021.x, `--ir-version 10`), with the net-level
  `<rt_info>` (v11) / `<meta_data>` (v10) MO writes;
- precisions:
  FP32;
  FP16: v11 `--compress_to_fp16` = f16 constants each followed by `Convert` to f32 (ports stay FP32);
        v10 `--data_type FP16` = the whole network in FP16: f16 constants feed the layers directly, ports FP16;
  INT8 (what the Post-training Optimization Tool writes): FakeQuantize (levels 256, after ReLU: [0, 16];
        not calibrated -- the converter keeps only weights and runs in float) on every weight layer's data
        input, and the weights quantized symmetric per output channel to 255 levels:
        v10: the float (f32, or f16 with `--int8-base FP16`) weights -> FakeQuantize(levels 255, per-channel
        +-max) -> layer; v11: compressed weights: i8 Const -> Convert(f32) -> Multiply(per-channel scale) -> layer.
Identical constant blobs share one .bin range (MO deduplicates them).

    /usr/bin/python3 tools/oracle/export_ir.py --pth test/fixtures/oracle-k8/model_0049.pth.gz \\
        --width-div 8 --out test/fixtures/converter/oracle_k8_ir [--fp16 | --precision FP32|FP16|INT8]
        [--ir-version 10|11] [--int8-base FP32|FP16] [--gz]
"""
import argparse
import gzip
import io
import os
import sys
import xml.etree.ElementTree as ET

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from config import MEAN_BGR, RPN_STRIDES, make_config  # noqa: E402

BN_EPS = 1e-5


def load_state_dict(path):
    raw = gzip.open(path, 'rb').read() if path.endswith('.gz') else open(path, 'rb').read()
    sd = torch.load(io.BytesIO(raw))
    return {k: v.detach().numpy().astype(np.float32) for k, v in sd.items() if not k.endswith('num_batches_tracked')}


def fuse_bn(sd, conv, bn):
    w = sd[conv + '.weight']
    s = (sd[bn + '.weight'] / np.sqrt(sd[bn + '.running_var'] + np.float32(BN_EPS))).astype(np.float32)
    b = (sd[bn + '.bias'] - sd[bn + '.running_mean'] * s).astype(np.float32)
    return (w * s[:, None, None, None]).astype(np.float32), b


class IrWriter:
    def __init__(self, fp16, version=11):
        self.fp16 = fp16
        self.version = version
        # v10 --data_type FP16: the whole network (constants and ports) in f16, no Convert.
        self.port_precision = 'FP16' if (fp16 and version == 10) else 'FP32'
        self.layers, self.edges = [], []
        self.bin = bytearray()
        self.blobs = {}
        self.next_id = 0
        self.serial = 1000

    def _name(self, kind):
        self.serial += 7
        return f'{kind}_{self.serial}'

    def layer(self, type_, inputs, out_shapes, data=None, version='opset1', name=None, precision=None):
        """inputs: [(layer_id, port, shape)]; returns [(id, port, shape)] of the outputs."""
        precision = precision or self.port_precision
        lid = self.next_id
        self.next_id += 1
        el = ET.Element('layer', id=str(lid), name=name or self._name(type_), type=type_, version=version)
        if data:
            ET.SubElement(el, 'data', {k: str(v) for k, v in data.items()})
        if inputs:
            inp = ET.SubElement(el, 'input')
            for i, (src, sport, shape) in enumerate(inputs):
                p = ET.SubElement(inp, 'port', id=str(i), precision=precision)
                for d in shape:
                    ET.SubElement(p, 'dim').text = str(d)
                self.edges.append((src, sport, lid, i))
        outs = []
        if out_shapes:
            out = ET.SubElement(el, 'output')
            for j, shape in enumerate(out_shapes):
                port = len(inputs) + j
                p = ET.SubElement(out, 'port', id=str(port), precision=precision)
                for d in shape:
                    ET.SubElement(p, 'dim').text = str(d)
                outs.append((lid, port, list(shape)))
        self.layers.append(el)
        return outs

    def const(self, arr, int64=False, int8=False, fp32=False):
        arr = np.ascontiguousarray(arr)
        if int64:
            arr, et, prec = arr.astype(np.int64), 'i64', 'I64'
        elif int8:
            arr, et, prec = arr.astype(np.int8), 'i8', 'I8'
        elif self.fp16 and not fp32:
            arr, et, prec = arr.astype(np.float16), 'f16', 'FP16'
        else:
            arr, et, prec = arr.astype(np.float32), 'f32', 'FP32'
        blob = arr.tobytes()
        key = (et, blob)
        if key not in self.blobs:
            self.blobs[key] = len(self.bin)
            self.bin += blob
        shape = list(arr.shape)
        out = self.layer('Const', [], [shape], {'element_type': et, 'shape': ','.join(map(str, shape)),
                                               'offset': self.blobs[key], 'size': len(blob)}, precision=prec)[0]
        if et == 'f16' and self.version == 11:
            out = self.layer('Convert', [out], [shape], {'destination_type': 'f32'})[0]
        elif et == 'i8':
            out = self.layer('Convert', [out], [shape], {'destination_type': 'f32'})[0]
        return out


def conv_out(shape, w, stride, pad):
    n, _, h, wd = shape
    k = w.shape[2]
    return [n, w.shape[0], (h + 2 * pad - k) // stride + 1, (wd + 2 * pad - k) // stride + 1]


class Net:
    def __init__(self, ir, consts_cache, int8=False):
        self.ir = ir
        self.cache = consts_cache
        self.int8 = int8
        self.act_fq = {}

    def c(self, key, arr):
        """One Const (+Convert) per distinct tensor, reused by every consumer (shared RPN head)."""
        if key not in self.cache:
            self.cache[key] = self.ir.const(arr)
        return self.cache[key]

    def w(self, key, arr, out_axis=0):
        """A weight constant; INT8: quantized symmetric per output channel to 255 levels (POT's layout)."""
        if not self.int8:
            return self.c(key, arr)
        if key in self.cache:
            return self.cache[key]
        ir = self.ir
        axes = tuple(i for i in range(arr.ndim) if i != out_axis)
        bshape = [arr.shape[out_axis] if i == out_axis else 1 for i in range(arr.ndim)]
        hi = np.maximum(np.abs(arr).max(axis=axes), np.float32(1e-12)).astype(np.float32).reshape(bshape)
        if ir.version == 10:
            wc = ir.const(arr)
            lo_c, hi_c = ir.const(-hi), ir.const(hi)
            out = ir.layer('FakeQuantize', [wc, lo_c, hi_c, lo_c, hi_c], [list(arr.shape)], {'levels': 255, 'auto_broadcast': 'numpy'})[0]
        else:
            scale = (hi / np.float32(127)).astype(np.float32)
            q = np.clip(np.round(arr / scale), -127, 127).astype(np.int8)
            qc = ir.const(q, int8=True)
            out = ir.layer('Multiply', [qc, ir.const(scale, fp32=True)], [list(arr.shape)], {'auto_broadcast': 'numpy'})[0]
        self.cache[key] = out
        return out

    def act(self, x, lo=0.0, hi=16.0):
        """INT8: one FakeQuantize (levels 256) per activation tensor feeding weight layers."""
        if not self.int8:
            return x
        k = (x[0], x[1])
        if k not in self.act_fq:
            ir = self.ir
            lo, hi = ir.const(np.full((), lo, np.float32)), ir.const(np.full((), hi, np.float32))
            self.act_fq[k] = ir.layer('FakeQuantize', [x, lo, hi, lo, hi], [x[2]], {'levels': 256, 'auto_broadcast': 'numpy'})[0]
        return self.act_fq[k]

    def conv(self, x, key, w, b, stride=1, pad=0, relu=False):
        x = self.act(x)
        wc = self.w(key + '.w', w)
        y = self.ir.layer('Convolution', [x, wc], [conv_out(x[2], w, stride, pad)],
                          {'strides': f'{stride},{stride}', 'dilations': '1,1', 'pads_begin': f'{pad},{pad}',
                           'pads_end': f'{pad},{pad}', 'auto_pad': 'explicit'})[0]
        bc = self.c(key + '.b', b.reshape(1, -1, 1, 1))
        y = self.ir.layer('Add', [y, bc], [y[2]], {'auto_broadcast': 'numpy'})[0]
        return self.ir.layer('ReLU', [y], [y[2]])[0] if relu else y

    def fc(self, x, key, w, b, relu=False):
        x = self.act(x)
        wc = self.w(key + '.w', w)
        y = self.ir.layer('MatMul', [x, wc], [[x[2][0], w.shape[0]]], {'transpose_a': 'false', 'transpose_b': 'true'})[0]
        bc = self.c(key + '.b', b.reshape(1, -1))
        y = self.ir.layer('Add', [y, bc], [y[2]], {'auto_broadcast': 'numpy'})[0]
        return self.ir.layer('ReLU', [y], [y[2]])[0] if relu else y

    def relu(self, x):
        return self.ir.layer('ReLU', [x], [x[2]])[0]

    def add(self, a, b):
        return self.ir.layer('Add', [a, b], [a[2]], {'auto_broadcast': 'numpy'})[0]


def build(sd, cfg, hw, fp16, version=11, int8=False):
    ir = IrWriter(fp16, version)
    n = Net(ir, {}, int8)
    h, w = hw
    et = 'f16' if ir.port_precision == 'FP16' else 'f32'
    im = ir.layer('Parameter', [], [[1, 3, h, w]], {'shape': f'1,3,{h},{w}', 'element_type': et}, name='im_data')[0]
    info = ir.layer('Parameter', [], [[1, 3]], {'shape': '1,3', 'element_type': et}, name='im_info')[0]
    mean = n.c('mean', np.array(MEAN_BGR, np.float32).reshape(1, 3, 1, 1))
    x = ir.layer('Subtract', [im, mean], [im[2]], {'auto_broadcast': 'numpy'})[0]
    x = n.act(x, -128.0, 160.0)  # INT8: the mean-subtracted image's range
    w1, b1 = fuse_bn(sd, 'backbone.body.conv1', 'backbone.body.bn1')
    x = n.conv(x, 'stem', w1, b1, stride=2, pad=3, relu=True)
    s = x[2]
    x = ir.layer('MaxPool', [x], [[1, s[1], (s[2] + 1) // 2, (s[3] + 1) // 2]],
                 {'strides': '2,2', 'pads_begin': '1,1', 'pads_end': '1,1', 'kernel': '3,3', 'rounding_type': 'floor',
                  'auto_pad': 'explicit'})[0]
    cs = []
    for stage, nb in enumerate((3, 4, 6, 3)):
        for b in range(nb):
            p = f'backbone.body.layer{stage + 1}.{b}'
            stride = 2 if (stage > 0 and b == 0) else 1
            y = n.conv(x, p + '1', *fuse_bn(sd, p + '.conv1', p + '.bn1'), stride=stride, relu=True)
            y = n.conv(y, p + '2', *fuse_bn(sd, p + '.conv2', p + '.bn2'), pad=1, relu=True)
            y = n.conv(y, p + '3', *fuse_bn(sd, p + '.conv3', p + '.bn3'))
            r = n.conv(x, p + 'd', *fuse_bn(sd, p + '.downsample.0', p + '.downsample.1'), stride=stride) if b == 0 else x
            x = n.relu(n.add(y, r))
        cs.append(x)
    f = 'backbone.fpn.'
    top = n.conv(cs[3], 'lat3', sd[f + 'inner_blocks.3.weight'], sd[f + 'inner_blocks.3.bias'])
    ps = [n.conv(top, 'out3', sd[f + 'layer_blocks.3.weight'], sd[f + 'layer_blocks.3.bias'], pad=1)]
    for i in (2, 1, 0):
        lat = n.conv(cs[i], f'lat{i}', sd[f'{f}inner_blocks.{i}.weight'], sd[f'{f}inner_blocks.{i}.bias'])
        size = ir.const(np.array(lat[2][2:], np.int64), int64=True)
        up = ir.layer('Interpolate', [top, size], [lat[2]], {'axes': '2,3', 'mode': 'nearest', 'align_corners': '0',
                                                             'antialias': '0', 'pads_begin': '0', 'pads_end': '0'})[0]
        top = n.add(lat, up)
        ps.insert(0, n.conv(top, f'out{i}', sd[f'{f}layer_blocks.{i}.weight'], sd[f'{f}layer_blocks.{i}.bias'], pad=1))
    p5 = ps[-1][2]
    ps.append(ir.layer('MaxPool', [ps[-1]], [[1, p5[1], (p5[2] + 1) // 2, (p5[3] + 1) // 2]],
                       {'strides': '2,2', 'pads_begin': '0,0', 'pads_end': '0,0', 'kernel': '1,1',
                        'rounding_type': 'ceil', 'auto_pad': 'explicit'})[0])
    rois_l, scores_l = [], []
    r = 'rpn.head.'
    for lvl, p in enumerate(ps):
        t = n.conv(p, 'rpn', sd[r + 'conv.weight'], sd[r + 'conv.bias'], pad=1, relu=True)
        logits = n.conv(t, 'rpn_cls', sd[r + 'cls_logits.weight'], sd[r + 'cls_logits.bias'])
        deltas = n.conv(t, 'rpn_box', sd[r + 'bbox_pred.weight'], sd[r + 'bbox_pred.bias'])
        a = logits[2][1]
        hh, ww = p[2][2], p[2][3]
        prior = ir.const(np.zeros((a, 4), np.float32))
        grid = ir.layer('ExperimentalDetectronPriorGridGenerator', [prior, p, im], [[hh * ww * a, 4]],
                        {'flatten': 'true', 'h': 0, 'w': 0, 'stride_x': RPN_STRIDES[lvl], 'stride_y': RPN_STRIDES[lvl]},
                        version='opset6')[0]
        scores = ir.layer('Sigmoid', [logits], [logits[2]])[0]
        rois, rs = ir.layer('ExperimentalDetectronGenerateProposalsSingleImage', [info, grid, deltas, scores],
                            [[1000, 4], [1000]], {'min_size': 0.0, 'nms_threshold': 0.7, 'post_nms_count': 1000,
                                                  'pre_nms_count': 1000}, version='opset6')
        rois_l.append(rois)
        scores_l.append(rs)
    allr = ir.layer('Concat', rois_l, [[5000, 4]], {'axis': 0})[0]
    alls = ir.layer('Concat', scores_l, [[5000]], {'axis': 0})[0]
    rois = ir.layer('ExperimentalDetectronTopKROIs', [allr, alls], [[1000, 4]], {'max_rois': 1000}, version='opset6')[0]
    fch = sd['backbone.fpn.inner_blocks.0.weight'].shape[0]

    def extractor(boxes, out, ratio=2):
        return ir.layer('ExperimentalDetectronROIFeatureExtractor', [boxes] + ps[:4], [[boxes[2][0], fch, out, out]],
                        {'output_size': out, 'sampling_ratio': ratio, 'pyramid_scales': '4,8,16,32', 'aligned': 'false'},
                        version='opset6')[0]
    feats = extractor(rois, 7)
    shape = ir.const(np.array([-1, fch * 49], np.int64), int64=True)
    x = ir.layer('Reshape', [feats, shape], [[1000, fch * 49]], {'special_zero': 'false'})[0]
    rh = 'roi_heads.'
    x = n.fc(x, 'fc6', sd[rh + 'box_head.fc6.weight'], sd[rh + 'box_head.fc6.bias'], relu=True)
    x = n.fc(x, 'fc7', sd[rh + 'box_head.fc7.weight'], sd[rh + 'box_head.fc7.bias'], relu=True)
    cls = n.fc(x, 'cls', sd[rh + 'box_predictor.cls_score.weight'], sd[rh + 'box_predictor.cls_score.bias'])
    box = n.fc(x, 'box', sd[rh + 'box_predictor.bbox_pred.weight'], sd[rh + 'box_predictor.bbox_pred.bias'])
    prob = ir.layer('SoftMax', [cls], [cls[2]], {'axis': 1})[0]
    nc = cls[2][1]
    boxes, classes, dscores = ir.layer(
        'ExperimentalDetectronDetectionOutput', [rois, box, prob, info], [[100, 4], [100], [100]],
        {'class_agnostic_box_regression': 'false', 'deltas_weights': '10,10,5,5', 'max_delta_log_wh': 4.135166645050049,
         'max_detections_per_image': 100, 'nms_threshold': 0.5, 'num_classes': nc, 'post_nms_count': 2000,
         'score_threshold': 0.05}, version='opset6')
    m = extractor(boxes, 14)
    for i in range(1, 5):
        m = n.conv(m, f'mask{i}', sd[f'{rh}mask_head.mask_fcn{i}.weight'], sd[f'{rh}mask_head.mask_fcn{i}.bias'],
                   pad=1, relu=True)
    dw = sd[rh + 'mask_predictor.conv5_mask.weight']
    m = n.act(m)
    wc = n.w('deconv.w', dw, out_axis=1)
    ms = m[2]
    m = ir.layer('ConvolutionBackpropData', [m, wc], [[ms[0], dw.shape[1], ms[2] * 2, ms[3] * 2]],
                 {'strides': '2,2', 'dilations': '1,1', 'pads_begin': '0,0', 'pads_end': '0,0', 'auto_pad': 'explicit',
                  'output_padding': '0,0'})[0]
    m = n.relu(n.add(m, n.c('deconv.b', sd[rh + 'mask_predictor.conv5_mask.bias'].reshape(1, -1, 1, 1))))
    m = n.conv(m, 'logits', sd[rh + 'mask_predictor.mask_fcn_logits.weight'], sd[rh + 'mask_predictor.mask_fcn_logits.bias'])
    masks = ir.layer('Sigmoid', [m], [m[2]])[0]
    for out, name in ((boxes, 'boxes'), (classes, 'classes'), (dscores, 'scores'), (masks, 'raw_masks')):
        ir.layer('Result', [out], [], name=f'{name}/sink_port_0')
    return ir


# What MO writes after the edges (values of the MO releases that write each IR version).
MO_INFO = {10: ('2021.4.2-3974-e2a469a3450-releases/2021/4', 'meta_data'),
           11: ('2022.3.0-9052-9752fafe8eb-releases/2022/3', 'rt_info')}


def write(ir, stem, name, gz, precision=None):
    net = ET.Element('net', name=name, version=str(ir.version))
    layers = ET.SubElement(net, 'layers')
    layers.extend(ir.layers)
    edges = ET.SubElement(net, 'edges')
    for a, ap, b, bp in sorted(ir.edges, key=lambda e: (e[2], e[3])):
        ET.SubElement(edges, 'edge', {'from-layer': str(a), 'from-port': str(ap), 'to-layer': str(b), 'to-port': str(bp)})
    if precision is not None:
        mo, tag = MO_INFO[ir.version]
        info = ET.SubElement(net, tag)
        ET.SubElement(info, 'MO_version', value=mo)
        params = ET.SubElement(info, 'cli_parameters' if ir.version == 10 else 'conversion_parameters')
        ET.SubElement(params, 'data_type', value='FP16' if ir.fp16 else 'FP32')
        ET.SubElement(params, 'mean_values', value='im_data[' + ','.join(f'{v:g}' for v in MEAN_BGR) + ']')
        if precision == 'INT8':
            ET.SubElement(info, 'optimization', value='DefaultQuantization (POT, symmetric weights, 255 levels)')
    ET.indent(net)
    xml = b'<?xml version="1.0"?>\n' + ET.tostring(net)
    for ext, blob in (('.xml', xml), ('.bin', bytes(ir.bin))):
        if gz:
            with open(stem + ext + '.gz', 'wb') as raw, gzip.GzipFile(fileobj=raw, mode='wb', compresslevel=9, mtime=0) as g:
                g.write(blob)
        else:
            with open(stem + ext, 'wb') as f:
                f.write(blob)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--pth', required=True)
    ap.add_argument('--width-div', type=int, default=8)
    ap.add_argument('--out', required=True, help='output stem: writes <out>.xml and <out>.bin')
    ap.add_argument('--fp16', action='store_true', help='= --precision FP16')
    ap.add_argument('--precision', choices=['FP32', 'FP16', 'INT8'], default=None,
                    help='also writes MO\'s net-level info (the committed K=8 files predate it: --fp16 / no flag)')
    ap.add_argument('--ir-version', type=int, choices=[10, 11], default=11)
    ap.add_argument('--int8-base', choices=['FP32', 'FP16'], default='FP32', help='INT8 v10: float type of the weights')
    ap.add_argument('--gz', action='store_true', help='gzip both files (committed fixtures)')
    a = ap.parse_args()
    precision = a.precision or ('FP16' if a.fp16 else 'FP32')
    int8 = precision == 'INT8'
    fp16 = precision == 'FP16' or (int8 and a.int8_base == 'FP16')
    cfg = make_config('0049', a.width_div)
    ir = build(load_state_dict(a.pth), cfg, cfg.input_hw, fp16, a.ir_version, int8)
    write(ir, a.out, 'instance-segmentation-security-0049', a.gz, a.precision)
    print(f'wrote {a.out}.xml/.bin: IR v{a.ir_version}, {len(ir.layers)} layers, {len(ir.bin)} bytes of constants ({precision})')


if __name__ == '__main__':
    main()
