"""synthetic_bilstm: bidirectional LSTM on a synthetic "late rise of feature 0" task with known cause.

Task (generator ``make_data``, numpy RandomState(seed)): x [N,24,4] (time x features,
batch_first), feature names ["f0","f1","f2","f3"]. Every feature has a per-sample level
N(0,1) plus white noise N(0, 0.3^2) at every step. A "step" of size s at onset t0 in feature f
adds s to x[t0:, f] (sustained until the end). Label 1 ("positive") iff feature 0 has a step UP
of +1.5 with onset t0 in the last 8 steps (t0 ~ U{16..23}). Negatives (balanced with the
positives) are, in equal parts: (a) no step in feature 0, half of them with a step DOWN of -1.5
in feature 0 in the last 8 steps; (b) a step up of +1.5 in feature 0 EARLY (t0 ~ U{2..12});
(c) a step up of +1.5 late (t0 ~ U{16..23}) in feature 1, 2 or 3. Every sample additionally gets,
with probability 0.3, a distractor step of +-1.5 in a random feature among 1..3 at a random onset.
Cause cells (positives only): feature 0, steps t0..23; written for the golden/example samples to
``synthetic_bilstm.truth.json`` as {"label", "onset" (-1 if none), "cells" [[t,f],...],
"mask" (flat [24,4] C order)}.

Net: nn.LSTM(4, 8, batch_first=True, bidirectional=True) -> output sequence o [N,24,16];
h = concat(o[:, 23, :8] (forward direction at the last step), o[:, 0, 8:] (backward direction at
step 0, i.e. after reading the whole reversed sequence)) -> Linear(16,2) -> logits y [N,2],
classes ["negative","positive"]. The forward ONNX keeps the ONNX LSTM op.

Training (seed 0, deterministic): 4000 train / 800 held-out (generator seeds 0 and 1), Adam lr
1e-2, batch 64, 25 epochs of cross-entropy. Metric: held-out accuracy.

Writes models/synthetic_bilstm/{.onnx,.grad.onnx,.pt,.json,.example.npy,.example.csv,.truth.json}
and golden/synthetic_bilstm.golden.json (K = 5 held-out samples: positive, negative (early rise),
positive, negative (late rise in another feature), negative (no rise); the .npy holds the first
4, the .csv the first). Run from the repository root with /usr/bin/python3.
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn

import common

NAME = "synthetic_bilstm"
SEED = 0
T, F = 24, 4
FEATURES = ["f0", "f1", "f2", "f3"]
CLASSES = ["negative", "positive"]


def make_data(n, seed):
    """Returns x [n,24,4] float32, labels [n], onsets [n] (-1: none), kinds [n] (str),
    masks [n,24,4] (0/1 cause cells)."""
    rs = np.random.RandomState(seed)
    x = rs.normal(0.0, 1.0, size=(n, 1, F)) + rs.normal(0.0, 0.3, size=(n, T, F))
    labels = np.zeros(n, dtype=np.int64)
    onsets = np.full(n, -1)
    kinds = []
    masks = np.zeros((n, T, F), dtype=np.int8)
    for i in range(n):
        r = i % 6  # 3 positives : 3 negatives (one of each kind) per 6 samples
        if r < 3:
            t0 = rs.randint(16, 24)
            x[i, t0:, 0] += 1.5
            labels[i], onsets[i] = 1, t0
            masks[i, t0:, 0] = 1
            kinds.append("late_rise_f0")
        elif r == 3:
            if rs.uniform() < 0.5:
                x[i, rs.randint(16, 24):, 0] -= 1.5
                kinds.append("late_drop_f0")
            else:
                kinds.append("no_step")
        elif r == 4:
            x[i, rs.randint(2, 13):, 0] += 1.5
            kinds.append("early_rise_f0")
        else:
            x[i, rs.randint(16, 24):, rs.randint(1, 4)] += 1.5
            kinds.append("late_rise_other")
        if rs.uniform() < 0.3:
            x[i, rs.randint(0, 24):, rs.randint(1, 4)] += rs.choice([-1.5, 1.5])
    perm = rs.permutation(n)
    return (x[perm].astype(np.float32), labels[perm], onsets[perm],
            [kinds[j] for j in perm], masks[perm])


class BiLstm(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(F, 8, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(16, 2)

    def forward(self, x):
        o, _ = self.lstm(x)
        h = torch.cat([o[:, -1, :8], o[:, 0, 8:]], dim=1)
        return self.fc(h)


def main():
    common.setup(SEED)
    xtr, ytr, _, _, _ = make_data(4000, SEED)
    xte, yte, ote, kte, mte = make_data(800, SEED + 1)
    model = BiLstm()
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    xt, yt = torch.from_numpy(xtr), torch.from_numpy(ytr)
    g = torch.Generator().manual_seed(SEED)
    for epoch in range(25):
        model.train()
        perm = torch.randperm(len(xt), generator=g)
        tot = 0.0
        for b in range(0, len(xt), 64):
            idx = perm[b:b + 64]
            opt.zero_grad()
            loss = nn.functional.cross_entropy(model(xt[idx]), yt[idx])
            loss.backward()
            opt.step()
            tot += loss.item() * len(idx)
        model.eval()
        with torch.no_grad():
            acc = float((model(torch.from_numpy(xte)).argmax(1).numpy() == yte).mean())
        print("  epoch %d loss %.4f held-out acc %.4f" % (epoch, tot / len(xt), acc))
    print("%s: held-out accuracy %.4f" % (NAME, acc))

    model.eval()
    fwd_ops, _, pt = common.all_exports(model, NAME, torch.from_numpy(xte[:common.GRAD_BATCH]), 2)
    if "LSTM" not in fwd_ops:
        raise RuntimeError("forward ONNX lost the LSTM op: %s" % fwd_ops)
    pick = []
    for kind in ("late_rise_f0", "early_rise_f0", "late_rise_f0", "late_rise_other", "no_step"):
        pick.append(next(i for i in range(len(yte)) if kte[i] == kind and i not in pick))
    common.golden(model, NAME, xte[pick], os.path.join(common.GOLDEN_DIR, NAME + ".golden.json"))
    d = common.model_dir(NAME)
    common.save_npy(os.path.join(d, NAME + ".example.npy"), xte[pick[:4]])
    with open(os.path.join(d, NAME + ".example.csv"), "w") as f:
        f.write(",".join(FEATURES) + "\n")
        for row in xte[pick[0]]:
            f.write(",".join(repr(float(v)) for v in row) + "\n")
    truth = {"description": "ground truth for the golden samples (same order; the example .npy "
                            "holds the first 4, the example .csv the first): label 1 iff feature "
                            "f0 steps up by +1.5 at onset t0 >= 16; cause cells = f0 at t0..23",
             "samples": [{"label": int(yte[i]), "kind": kte[i], "onset": int(ote[i]),
                          "cells": [[int(t), int(f)] for t, f in zip(*np.nonzero(mte[i]))],
                          "mask": [int(v) for v in mte[i].reshape(-1)]} for i in pick]}
    with open(os.path.join(d, NAME + ".truth.json"), "w") as f:
        json.dump(truth, f)
        f.write("\n")
    common.write_sidecar(
        NAME, "bidirectional LSTM (4->8 per direction) + linear on a synthetic 'late rise of "
              "feature f0' task",
        [T, F], "time_features", FEATURES, CLASSES, pt,
        "models-onnx/python/train_bilstm_synthetic.py",
        "synthetic (make_data in the script; 4000 train seed 0, 800 held-out seed 1)",
        SEED, {"test_accuracy": acc},
        "model and synthetic data: generated by the explain4j project (project license)")
    common.update_index()


EVAL_N, EVAL_SEED = 120, 2


def write_eval_set():
    """Held-out evaluation set for `explain4j evaluate` (no training, no export): EVAL_N samples
    from make_data with seed 2 (train used 0, held-out 1), written as <name>.eval.npy (x, npy v1.0
    <f4) and <name>.eval.truth.json (same format as .truth.json: per sample label, kind, onset,
    cause cells and the flat 0/1 mask of the input's shape). Run with --eval-set."""
    x, y, onsets, kinds, masks = make_data(EVAL_N, EVAL_SEED)
    d = common.model_dir(NAME)
    common.save_npy(os.path.join(d, NAME + ".eval.npy"), x)
    truth = {"description": "ground truth of the evaluation set %s.eval.npy (make_data(%d, seed %d), same "
                            "order): label 1 iff feature f0 steps up by +1.5 at onset t0 >= 16; cause cells "
                            "= f0 at t0..23" % (NAME, EVAL_N, EVAL_SEED),
             "samples": [{"label": int(y[i]), "kind": kinds[i], "onset": int(onsets[i]),
                          "cells": [[int(t), int(f)] for t, f in zip(*np.nonzero(masks[i]))],
                          "mask": [int(v) for v in masks[i].reshape(-1)]} for i in range(EVAL_N)]}
    with open(os.path.join(d, NAME + ".eval.truth.json"), "w") as f:
        json.dump(truth, f, separators=(",", ":"))
        f.write("\n")
    print("%s: wrote evaluation set of %d samples" % (NAME, EVAL_N))


if __name__ == "__main__":
    if "--eval-set" in sys.argv:
        write_eval_set()
    else:
        main()
