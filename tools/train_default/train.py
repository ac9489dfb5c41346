"""Train the default model (0049 family, width-div 8) on the seeded synthetic stream.

    /usr/bin/python3 tools/train_default/train.py   (defaults: 1000 iterations of batch 2, at most 60 minutes)
Seeded and resumable: the training image with index i is synthetic.make_image(TRAIN_SEED_BASE + i),
iteration t uses images t*batch .. t*batch+batch-1; the checkpoint (every --ckpt-every iterations)
holds model, optimiser, iteration and the torch RNG state. Stops at --iters or after --minutes of
training time (checkpointing and exporting the current weights); a later run with the same arguments continues.
`--stop-at N` ends after iteration N with the schedule of --iters, which reproduces a run the time
budget cut at iteration N. The LR schedule
(linear warm-up, cosine decay) depends on --iters only. BatchNorm trains with batch statistics until
--freeze-bn-at (fraction of --iters), then uses its running statistics, as the exported frozen BN does.
Writes <out>/ckpt.pth, <out>/model_final.pth (canonical names, float32) and logs to stdout.
"""
import argparse
import math
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import synthetic  # noqa: E402
from net import build, export_state_dict, set_bn_frozen  # noqa: E402

TRAIN_SEED_BASE = 1_000_000


def sample(index):
    """(BGR float [3,H,W] 0..255, target dict with legacy inclusive boxes) for training image `index`."""
    rgb, _, inst = synthetic.make_image(TRAIN_SEED_BASE + index)
    boxes, labels, masks = [], [], []
    for cls, m in inst:
        b = synthetic.mask_box_legacy(m)
        if b[2] <= b[0] or b[3] <= b[1]:
            continue
        boxes.append(b)
        labels.append(cls)
        masks.append(m)
    img = torch.from_numpy(np.ascontiguousarray(rgb[:, :, ::-1].transpose(2, 0, 1))).float()
    h, w = rgb.shape[:2]
    target = {
        'boxes': torch.tensor(boxes, dtype=torch.float32).reshape(-1, 4),
        'labels': torch.tensor(labels, dtype=torch.int64),
        'masks': torch.from_numpy(np.stack(masks)).to(torch.uint8) if masks else torch.zeros(0, h, w, dtype=torch.uint8),
    }
    return img, target


def lr_at(it, a):
    if it < a.warmup:
        return a.lr * (0.001 + 0.999 * it / a.warmup)
    t = (it - a.warmup) / max(1, a.iters - a.warmup)
    return a.lr * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * min(1.0, t))))


def save_atomic(obj, path):
    tmp = path + '.tmp'
    torch.save(obj, tmp)
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default='.cache/train_default')
    ap.add_argument('--iters', type=int, default=1000)
    ap.add_argument('--minutes', type=float, default=60.0)
    ap.add_argument('--batch', type=int, default=2)
    ap.add_argument('--lr', type=float, default=1.5e-3)
    ap.add_argument('--wd', type=float, default=1e-4)
    ap.add_argument('--warmup', type=int, default=100)
    ap.add_argument('--freeze-bn-at', type=float, default=0.75)
    ap.add_argument('--ckpt-every', type=int, default=50)
    ap.add_argument('--log-every', type=int, default=20)
    ap.add_argument('--threads', type=int, default=1,
                    help='torch threads; 1 is fastest on a shared, oversubscribed machine')
    ap.add_argument('--seed', type=int, default=49)
    ap.add_argument('--stop-at', type=int, default=None,
                    help='end (checkpoint + export) after this iteration; the schedule still follows --iters')
    ap.add_argument('--rpn-train-topn', type=int, default=500, help='RPN proposals per level before / in total after NMS')
    ap.add_argument('--box-batch', type=int, default=128, help='sampled RoIs per image for the box head')
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    os.makedirs(a.out, exist_ok=True)
    model, cfg = build(box_batch=a.box_batch, rpn_pre=a.rpn_train_topn, rpn_post=a.rpn_train_topn)
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=a.wd)
    ckpt_path = os.path.join(a.out, 'ckpt.pth')
    it = 0
    if os.path.exists(ckpt_path):
        ck = torch.load(ckpt_path)
        model.load_state_dict(ck['model'])
        opt.load_state_dict(ck['opt'])
        it = ck['it']
        torch.set_rng_state(ck['rng'])
        print(f'resumed at iteration {it}', flush=True)
    n_params = sum(p.numel() for p in model.parameters())
    print(f'params {n_params}, iters {a.iters}, batch {a.batch}, lr {a.lr}', flush=True)

    def checkpoint():
        save_atomic({'model': model.state_dict(), 'opt': opt.state_dict(), 'it': it,
                     'rng': torch.get_rng_state(), 'args': vars(a)}, ckpt_path)

    t0 = time.time()
    acc, acc_n, t_log = {}, 0, time.time()
    model.train()
    last = a.iters if a.stop_at is None else min(a.iters, a.stop_at)
    while it < last:
        if time.time() - t0 > a.minutes * 60:
            print(f'time budget reached at iteration {it} (exporting the current weights)', flush=True)
            break
        set_bn_frozen(model, it >= a.freeze_bn_at * a.iters)
        for g in opt.param_groups:
            g['lr'] = lr_at(it, a)
        batch = [sample(it * a.batch + j) for j in range(a.batch)]
        losses = model([b[0] for b in batch], [b[1] for b in batch])
        loss = sum(losses.values())
        if not torch.isfinite(loss):
            raise RuntimeError(f'non-finite loss at iteration {it}: {losses}')
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 10.0)
        opt.step()
        it += 1
        for k, v in losses.items():
            acc[k] = acc.get(k, 0.0) + float(v)
        acc_n += 1
        if it % a.log_every == 0:
            dt = (time.time() - t_log) / acc_n
            parts = ' '.join(f'{k.replace("loss_", "")} {v / acc_n:.4f}' for k, v in acc.items())
            total = sum(acc.values()) / acc_n
            print(f'it {it} lr {lr_at(it - 1, a):.2e} loss {total:.4f} {parts} | {dt:.2f} s/it '
                  f'elapsed {(time.time() - t0) / 60:.1f} min', flush=True)
            acc, acc_n, t_log = {}, 0, time.time()
        if it % a.ckpt_every == 0:
            checkpoint()
    checkpoint()
    model.eval()
    torch.save(export_state_dict(model), os.path.join(a.out, 'model_final.pth'))
    print(f'done: {it} iterations, {(time.time() - t0) / 60:.1f} min (this run)', flush=True)


if __name__ == '__main__':
    main()
