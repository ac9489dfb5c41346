"""Times the PyTorch oracle (tools/oracle) on the benchmark's inputs; one subject of the harness.

  /usr/bin/python3 benchmarks/python/time_oracle.py --oracle-dir DIR --pth FILE --width-div K \
      --images astronaut_fit chelsea_fit --warmup 1 --runs 3 --threads 2

--workload torchvision times torchvision's own maskrcnn_resnet50_fpn (the modules it builds for trained
weights, the seeded checkpoint loaded) on the workload's im_data, its transform pinned to the identity on
that normalised, padded batch as in the ONNX export (export_torchvision_onnx.py): the same network
input as every other subject.

Progress lines go to stderr; the last stdout line is `RESULT <json>` with the fields of the
harness's SubjectResult (loadMs, firstRunMs, runs, counts, memory, runtime).
With --serve it answers the harness's line protocol instead (benchmarks/src/serve_protocol.ts):
one JSON command per stdin line (load, run <image index>, finish), one `REPLY <json>` per command.
"""
import argparse
import json
import os
import resource
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), 'tools', 'oracle'))

import torch  # noqa: E402

from config import make_config  # noqa: E402
from model import MaskRCNN0049  # noqa: E402
from pipeline import run_0049  # noqa: E402
from tensorio import read_tensors  # noqa: E402


def progress(what, done, total):
    print('PROGRESS ' + json.dumps({'what': what, 'done': done, 'total': total}), file=sys.stderr, flush=True)


def run_once(model, inp):
    if getattr(model, 'torchvision_workload', False):
        return run_torchvision(model, inp)
    with torch.no_grad():
        out, stats = run_0049(model, inp['im_data'], inp['im_info'])
    classes = out['classes']
    counts = {'detections': int((classes > 0).sum()), 'detectionRows': int(classes.shape[0]),
              'rois': int(out['proposals'].shape[0])}
    return counts


def run_torchvision(model, inp):
    seen = {}

    def count_rois(_module, _inputs, out):  # returns None: the hook must not replace the RPN's output
        seen['rois'] = int(out[0][0].shape[0])
    hook = model.rpn.register_forward_hook(count_rois)
    try:
        with torch.no_grad():
            out = model([inp['im_data'][0]])[0]
    finally:
        hook.remove()
    n = int(out['labels'].shape[0])
    return {'detections': n, 'detectionRows': n, 'rois': seen['rois']}


def load_model(pth, width_div, workload='0049'):
    if workload == 'torchvision':
        from export_torchvision_onnx import pinned_model
        model = pinned_model(pth, width_div)
        model.torchvision_workload = True
        return model
    model = MaskRCNN0049(make_config('0049', width_div)).eval()
    model.load_state_dict(torch.load(pth, map_location='cpu'))
    return model


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reply(obj):
    print('REPLY ' + json.dumps(obj), flush=True)


def serve(a, inputs):
    model = None
    for line in sys.stdin:
        if not line.strip():
            continue
        cmd = json.loads(line)
        try:
            if cmd['op'] == 'load':
                t0 = time.perf_counter()
                model = load_model(a.pth, a.width_div, a.workload)
                reply({'ok': True, 'loadMs': (time.perf_counter() - t0) * 1000,
                       'runtime': {'torch': torch.__version__, 'threads': torch.get_num_threads()}})
            elif cmd['op'] == 'run':
                inp = inputs[cmd['image'] % len(inputs)]
                t0 = time.perf_counter()
                counts = run_once(model, inp)
                reply({'ok': True, 'image': inp['stem'], 'ms': (time.perf_counter() - t0) * 1000, 'counts': counts})
            else:
                reply({'ok': True, 'memory': {'peakRssMiB': peak_rss_mib()}})
                return
        except Exception as e:  # noqa: BLE001 - reported to the harness
            reply({'ok': False, 'error': f'{type(e).__name__}: {e}'})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--oracle-dir', required=True)
    ap.add_argument('--pth', required=True)
    ap.add_argument('--width-div', type=int, required=True)
    ap.add_argument('--workload', choices=['0049', 'torchvision'], default='0049')
    ap.add_argument('--images', nargs='+', required=True)
    ap.add_argument('--warmup', type=int, default=1)
    ap.add_argument('--runs', type=int, default=3)
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--serve', action='store_true')
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    inputs = []
    for stem in a.images:
        t, _ = read_tensors(os.path.join(a.oracle_dir, stem))
        inputs.append({'stem': stem, 'im_data': torch.from_numpy(t['im_data'].copy()),
                       'im_info': torch.from_numpy(t['im_info'].copy())})
    if a.serve:
        serve(a, inputs)
        return
    total = 2 + a.warmup + a.runs
    progress('load', 0, total)
    t0 = time.perf_counter()
    model = load_model(a.pth, a.width_div, a.workload)
    load_ms = (time.perf_counter() - t0) * 1000
    progress('first run', 1, total)
    counts = {}
    t0 = time.perf_counter()
    counts[inputs[0]['stem']] = run_once(model, inputs[0])
    first_ms = (time.perf_counter() - t0) * 1000
    done = 2
    progress('warm-up', done, total)
    for i in range(a.warmup):
        inp = inputs[(i + 1) % len(inputs)]
        c = run_once(model, inp)
        counts.setdefault(inp['stem'], c)
        done += 1
        progress('warm-up', done, total)
    runs = []
    for i in range(a.runs):
        inp = inputs[i % len(inputs)]
        t0 = time.perf_counter()
        c = run_once(model, inp)
        ms = (time.perf_counter() - t0) * 1000
        counts.setdefault(inp['stem'], c)
        runs.append({'image': inp['stem'], 'ms': ms})
        done += 1
        progress(f'run {i + 1}/{a.runs} {ms / 1000:.2f} s', done, total)
    result = {
        'ok': True, 'loadMs': load_ms, 'firstRunMs': first_ms, 'runs': runs, 'counts': list(counts.values()),
        'memory': {'peakRssMiB': peak_rss_mib()},
        'runtime': {'torch': torch.__version__, 'threads': torch.get_num_threads()},
    }
    print('RESULT ' + json.dumps(result), flush=True)


if __name__ == '__main__':
    main()
