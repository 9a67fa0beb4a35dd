"""synthetic_cnn1d: 1-D CNN on a synthetic "which channel has the bump" task with known ground truth.

Task (generator ``make_data``, numpy RandomState(seed)): x [N,3,128] (channels x time),
channel names ["ch0","ch1","ch2"]. Every channel carries white noise N(0, 0.4^2) plus a slow
drift 0.5*sin(2*pi*f*t/128 + phi) (f ~ U[0.5,2], phi ~ U[0,2*pi]). Class k (0,1,2, balanced)
adds a POSITIVE Gaussian bump A*exp(-(t-c)^2 / (2*2.5^2)) (A ~ U[1.5,2.5], c ~ U[10,117],
FWHM ~ 5.9 samples) to channel k. Distractors: each of the two other channels independently,
with probability 1/2, gets a NEGATIVE bump of the same shape (-A', A' ~ U[1.5,2.5]) at its own
random position. Ground truth: channel k, time interval [round(c)-3, round(c)+3] (7 samples,
clipped to [0,127]); written for the golden/example samples to ``synthetic_cnn1d.truth.json``
as {"label", "channel", "center", "interval" (inclusive), "mask" (flat, C order, 1 in the
interval of channel k)}.

Net: Conv1d(3,8,k=7,pad=3) -> BatchNorm1d(8) -> ReLU -> Conv1d(8,16,k=5,stride=2,pad=2) -> ReLU
-> MaxPool1d(2) -> Conv1d(16,16,k=3,pad=2,dilation=2,groups=2) -> ReLU -> global average pool
-> Linear(16,3). Output logits y [N,3], classes ["bump_ch0","bump_ch1","bump_ch2"].

Training (seed 0, deterministic): 3000 train / 600 held-out samples (separate generator seeds
0 and 1), Adam lr 3e-3, batch 64, 30 epochs of cross-entropy. Metric: held-out accuracy.

Writes models/synthetic_cnn1d/{.onnx,.grad.onnx,.pt,.json,.example.npy,.truth.json} and
golden/synthetic_cnn1d.golden.json (K = 5 held-out samples, classes 0,1,2,0,1; the example .npy
holds the first 4 of them). Run from the repository root with /usr/bin/python3.
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn

import common

NAME = "synthetic_cnn1d"
SEED = 0
T = 128
SIGMA = 2.5
CHANNELS = ["ch0", "ch1", "ch2"]
CLASSES = ["bump_ch0", "bump_ch1", "bump_ch2"]


def make_data(n, seed):
    """Returns x [n,3,128] float32, labels [n], centers [n] (float), masks [n,3,128] (0/1)."""
    rs = np.random.RandomState(seed)
    t = np.arange(T, dtype=np.float64)
    x = rs.normal(0.0, 0.4, size=(n, 3, T))
    f = rs.uniform(0.5, 2.0, size=(n, 3, 1))
    phi = rs.uniform(0.0, 2 * np.pi, size=(n, 3, 1))
    x += 0.5 * np.sin(2 * np.pi * f * t / T + phi)
    labels = np.arange(n) % 3
    rs.shuffle(labels)
    centers = np.zeros(n)
    masks = np.zeros((n, 3, T), dtype=np.int8)
    for i in range(n):
        k = labels[i]
        a, c = rs.uniform(1.5, 2.5), rs.uniform(10, 117)
        x[i, k] += a * np.exp(-(t - c) ** 2 / (2 * SIGMA ** 2))
        centers[i] = c
        lo, hi = max(0, int(round(c)) - 3), min(T - 1, int(round(c)) + 3)
        masks[i, k, lo:hi + 1] = 1
        for j in range(3):
            a2, c2, coin = rs.uniform(1.5, 2.5), rs.uniform(10, 117), rs.uniform()
            if j != k and coin < 0.5:
                x[i, j] -= a2 * np.exp(-(t - c2) ** 2 / (2 * SIGMA ** 2))
    return x.astype(np.float32), labels, centers, masks


class Cnn1d(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv1d(3, 8, kernel_size=7, padding=3)
        self.bn1 = nn.BatchNorm1d(8)
        self.conv2 = nn.Conv1d(8, 16, kernel_size=5, stride=2, padding=2, dilation=1)
        self.pool = nn.MaxPool1d(2)
        self.conv3 = nn.Conv1d(16, 16, kernel_size=3, padding=2, dilation=2, groups=2)
        self.fc = nn.Linear(16, 3)

    def forward(self, x):
        x = torch.relu(self.bn1(self.conv1(x)))
        x = torch.relu(self.conv2(x))
        x = self.pool(x)
        x = torch.relu(self.conv3(x))
        return self.fc(x.mean(dim=2))


def main():
    common.setup(SEED)
    xtr, ytr, _, _ = make_data(3000, SEED)
    xte, yte, cte, mte = make_data(600, SEED + 1)
    model = Cnn1d()
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    xt, yt = torch.from_numpy(xtr), torch.from_numpy(ytr)
    g = torch.Generator().manual_seed(SEED)
    for epoch in range(30):
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
    _, _, pt = common.all_exports(model, NAME, torch.from_numpy(xte[:common.GRAD_BATCH]), 3)
    pick = []
    for k in (0, 1, 2, 0, 1):
        pick.append(next(i for i in range(len(yte)) if yte[i] == k and i not in pick))
    common.golden(model, NAME, xte[pick], os.path.join(common.GOLDEN_DIR, NAME + ".golden.json"))
    d = common.model_dir(NAME)
    common.save_npy(os.path.join(d, NAME + ".example.npy"), xte[pick[:4]])
    truth = {"description": "ground truth for the golden samples (same order; the example .npy "
                            "holds the first 4): the class-k bump lies in channel k, interval "
                            "[round(center)-3, round(center)+3] inclusive",
             "samples": [{"label": int(yte[i]), "channel": int(yte[i]),
                          "center": float(cte[i]),
                          "interval": [int(np.flatnonzero(mte[i, yte[i]])[0]),
                                       int(np.flatnonzero(mte[i, yte[i]])[-1])],
                          "mask": [int(v) for v in mte[i].reshape(-1)]} for i in pick]}
    with open(os.path.join(d, NAME + ".truth.json"), "w") as f:
        json.dump(truth, f)
        f.write("\n")
    common.write_sidecar(
        NAME, "1-D CNN (conv-BN-ReLU, strided, max-pool, dilated grouped conv, GAP, linear) on a "
              "synthetic 3-channel 'which channel has the positive bump' task",
        [3, T], "channels_time", CHANNELS, CLASSES, pt,
        "models-onnx/python/train_cnn1d_synthetic.py",
        "synthetic (make_data in the script; 3000 train seed 0, 600 held-out seed 1)",
        SEED, {"test_accuracy": acc},
        "model and synthetic data: generated by the explain4j project (project license)")
    common.update_index()


EVAL_N, EVAL_SEED = 120, 2


def write_eval_set():
    """Held-out evaluation set for `explain4j evaluate` (no training, no export): EVAL_N samples
    from make_data with seed 2 (train used 0, held-out 1), written as <name>.eval.npy (x, npy v1.0
    <f4) and <name>.eval.truth.json (same format as .truth.json: per sample label, channel,
    center, interval and the flat 0/1 mask of the input's shape). Run with --eval-set."""
    x, y, centers, masks = make_data(EVAL_N, EVAL_SEED)
    d = common.model_dir(NAME)
    common.save_npy(os.path.join(d, NAME + ".eval.npy"), x)
    truth = {"description": "ground truth of the evaluation set %s.eval.npy (make_data(%d, seed %d), same "
                            "order): the class-k bump lies in channel k, interval [round(center)-3, "
                            "round(center)+3] inclusive" % (NAME, EVAL_N, EVAL_SEED),
             "samples": [{"label": int(y[i]), "channel": int(y[i]), "center": float(centers[i]),
                          "interval": [int(np.flatnonzero(masks[i, y[i]])[0]),
                                       int(np.flatnonzero(masks[i, y[i]])[-1])],
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
