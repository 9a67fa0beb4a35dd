"""channelwise_lstm: the Channel-wise LSTM of METHODS.md section 6 (mimic3-benchmarks in-hospital
mortality) trained on the synthetic cohort of ``mimic_cohort.py`` (known mechanism).

Net (input x [N,48,76] = the normalized discretizer matrix of ``mimic_discretizer.py``):
for each of the 17 variables v, its value/one-hot columns plus its mask column (``column_groups``
in the sidecar) -> bidirectional LSTM with 4 units per direction, all 48 steps -> concat in
variable order [v0 fwd(4), v0 bwd(4), v1 fwd, ...] = 136 -> LSTM(32), last step -> dropout 0.3
(identity in eval) -> Linear(32,1) -> the LOGIT y [N,1]; the sidecar says activation "sigmoid",
class ["mortality"]. The LSTMs use PyTorch's standard gates (sigmoid/tanh), NOT Keras 2.1's
hard_sigmoid, so ONNX Runtime's LSTM op reproduces them exactly.

Two equal forms of the same weights:
* ``BlockChannelwise`` (training, gradient graph): ONE bidirectional nn.LSTM(76 -> 68 per
  direction) whose input and recurrent weights are block-diagonal (unit 4v..4v+3 of every gate
  sees only variable v's columns and its own 4 units; the off-block entries are 0 at init and
  their gradients are masked, so Adam never moves them), then LSTM(136 -> 32) on the output
  [fwd 68, bwd 68]. This is exactly 17 independent Bi-LSTMs, computed in one op.
* ``Channelwise17`` (forward ONNX, TorchScript, golden values): 17 separate nn.LSTM modules on
  the gathered columns, concat, LSTM(32) whose input weights are the block form's, permuted to the
  per-variable concat order. The forward ONNX therefore shows the paper's structure: 17 Gather +
  17 bidirectional LSTM ops, Concat, LSTM. ``check_equal`` verifies both forms in float64.
The gradient graph ``channelwise_lstm.grad.onnx`` is traced from the block form (the per-variable
Gather would need an index_put backward); its batch is fixed to GRAD_BATCH = 32 (the file size
does not depend on it: the weights are shared by the 48 unrolled steps).

Data: ``mimic_cohort.make_cohort`` 3000 train episodes (seed 0), 300 held-out (seed 1). The 20
episodes committed as CSV under explain4j/clinical/synthetic are make_cohort(20, seed 1): also
never trained on, but a separate draw (not the first 20 of the 300). Training: Adam lr 3e-3,
batch 64, EPOCHS epochs of BCE-with-logits, seed 0, 2 threads. Metrics: AUROC on the 300
held-out synthetic episodes and on the 11 real demo test episodes (clinical/demo-test).

Golden values (float64 autograd of Channelwise17): 5 samples = the first died, the first
late_gcs_only/late_sbp_only and the first none episode of the committed synthetic CSVs + real demo test episodes 10011_episode1 (died) and 10026_episode1 (survived), each
discretized from the CSV in float64. probs = sigmoid(logit), grad_prob = d sigmoid/dx (which is
what CheckOnnx's cotangent p(1-p) gives for one class); IG target 0 (the logit).
Run from the repository root with /usr/bin/python3.
"""
import copy
import json
import os
import time

import numpy as np
import torch
import torch.nn as nn

import common
import mimic_cohort
from mimic_discretizer import CLINICAL_DIR, Discretizer, read_listfile

NAME = "channelwise_lstm"
SEED = 0
EPOCHS = int(os.environ.get("CW_EPOCHS", "5"))
N_TRAIN, N_HELDOUT = 3000, 300
GRAD_BATCH = common.GRAD_BATCH  # 32; the unrolled graph size does not depend on it
H1, H2 = 4, 32


class BlockChannelwise(nn.Module):
    def __init__(self, groups):
        super().__init__()
        nv = len(groups)
        self.nv = nv
        self.lstm1 = nn.LSTM(76, H1 * nv, batch_first=True, bidirectional=True)
        self.lstm2 = nn.LSTM(2 * H1 * nv, H2, batch_first=True)
        self.drop = nn.Dropout(0.3)
        self.fc = nn.Linear(H2, 1)
        mih = torch.zeros(4 * H1 * nv, 76)
        mhh = torch.zeros(4 * H1 * nv, H1 * nv)
        for v, cols in enumerate(groups):
            for g in range(4):
                rows = slice(g * H1 * nv + H1 * v, g * H1 * nv + H1 * (v + 1))
                mih[rows, cols] = 1
                mhh[rows, H1 * v:H1 * (v + 1)] = 1
        self.register_buffer("mask_ih", mih)
        self.register_buffer("mask_hh", mhh)
        with torch.no_grad():
            for n, p in self.lstm1.named_parameters():
                p.uniform_(-1 / H1 ** 0.5, 1 / H1 ** 0.5)  # the init of a 4-unit LSTM
                if n.startswith("weight"):
                    m = mih if "ih" in n else mhh
                    p.mul_(m)
                    p.register_hook(lambda g, m=m: g * m)

    def forward(self, x):
        o, _ = self.lstm1(x)
        o2, _ = self.lstm2(o)
        return self.fc(self.drop(o2[:, -1, :]))


class Channelwise17(nn.Module):
    def __init__(self, groups):
        super().__init__()
        self.groups = [list(g) for g in groups]
        for v, g in enumerate(self.groups):
            self.register_buffer("idx%d" % v, torch.tensor(g, dtype=torch.long))
        self.lstms = nn.ModuleList(nn.LSTM(len(g), H1, batch_first=True, bidirectional=True)
                                   for g in self.groups)
        self.lstm2 = nn.LSTM(2 * H1 * len(groups), H2, batch_first=True)
        self.drop = nn.Dropout(0.3)
        self.fc = nn.Linear(H2, 1)

    def forward(self, x):
        outs = []
        for v, lstm in enumerate(self.lstms):
            o, _ = lstm(torch.index_select(x, 2, getattr(self, "idx%d" % v)))
            outs.append(o)
        o2, _ = self.lstm2(torch.cat(outs, dim=2))
        return self.fc(self.drop(o2[:, -1, :]))

    @staticmethod
    def from_block(block, groups):
        m = Channelwise17(groups)
        nv = len(groups)
        with torch.no_grad():
            for v, g in enumerate(groups):
                lv = m.lstms[v]
                rows = torch.cat([torch.arange(k * H1 * nv + H1 * v, k * H1 * nv + H1 * (v + 1))
                                  for k in range(4)])
                hcols = torch.arange(H1 * v, H1 * (v + 1))
                for sfx in ("_l0", "_l0_reverse"):
                    wih = getattr(block.lstm1, "weight_ih" + sfx)
                    whh = getattr(block.lstm1, "weight_hh" + sfx)
                    getattr(lv, "weight_ih" + sfx).copy_(wih[rows][:, g])
                    getattr(lv, "weight_hh" + sfx).copy_(whh[rows][:, hcols])
                    getattr(lv, "bias_ih" + sfx).copy_(getattr(block.lstm1, "bias_ih" + sfx)[rows])
                    getattr(lv, "bias_hh" + sfx).copy_(getattr(block.lstm1, "bias_hh" + sfx)[rows])
            perm = []  # column of the block output feeding position p of the per-variable concat
            for v in range(nv):
                perm += list(range(H1 * v, H1 * (v + 1)))
                perm += list(range(H1 * nv + H1 * v, H1 * nv + H1 * (v + 1)))
            for n, p in m.lstm2.named_parameters():
                src = getattr(block.lstm2, n)
                p.copy_(src[:, perm] if n.startswith("weight_ih") else src)
            m.fc.load_state_dict(block.fc.state_dict())
        return m.eval()


def check_equal(block, m17, x):
    b64 = copy.deepcopy(block).double().eval()
    m64 = copy.deepcopy(m17).double().eval()
    xd = torch.as_tensor(x, dtype=torch.float64)
    with torch.no_grad():
        a, b = b64(xd), m64(xd)
    err = (a - b).abs().max().item()
    # also the gradients
    x1 = xd.clone().requires_grad_(True)
    (g1,) = torch.autograd.grad(b64(x1).sum(), x1)
    x2 = xd.clone().requires_grad_(True)
    (g2,) = torch.autograd.grad(m64(x2).sum(), x2)
    gerr = (g1 - g2).abs().max().item() / g2.abs().max().item()
    print("  block form vs 17-LSTM form (float64): max |dy| = %.3g, rel |dgrad| = %.3g"
          % (err, gerr))
    if err > 1e-10 or gerr > 1e-10:
        raise RuntimeError("the two forms differ")


def golden_sigmoid(model, xs, path):
    """common.golden with a single sigmoid output: probs = sigmoid(logit)."""
    m = copy.deepcopy(model).double().eval()
    for p in m.parameters():
        p.requires_grad_(False)
    xs = torch.as_tensor(np.asarray(xs), dtype=torch.float64)
    samples = []
    for x in xs:
        xb = x.unsqueeze(0).clone().requires_grad_(True)
        logits = m(xb)[0]
        probs = torch.sigmoid(logits)
        (gl,) = torch.autograd.grad(logits[0], xb, retain_graph=True)
        (gp,) = torch.autograd.grad(probs[0], xb)
        with torch.no_grad():
            l0 = m(torch.zeros_like(xb))[0, 0].item()
        ig = {"target": 0, "baseline": "zero"}
        for meth, n in (("gausslegendre", 64), ("riemann_trapezoid", 64), ("riemann_middle", 50)):
            ig["%s_%d" % (meth, n)] = common._flat(common.integrated_gradients(m, x, 0, meth, n))
        ig["logit_at_x"] = float(logits[0].item())
        ig["logit_at_baseline"] = float(l0)
        samples.append({"x": common._flat(x), "logits": common._flat(logits),
                        "probs": common._flat(probs), "predicted": int(probs[0].item() >= 0.5),
                        "grad_logit": [common._flat(gl[0])], "grad_prob": [common._flat(gp[0])],
                        "ig": ig})
        gap = sum(ig["gausslegendre_64"]) - (ig["logit_at_x"] - l0)
        print("  golden sample: logit=%.4f p=%.4f IG-GL64 completeness gap=%.3g"
              % (logits[0].item(), probs[0].item(), gap))
    doc = {"model": NAME, "input_shape": list(xs.shape[1:]), "classes": 1,
           "activation": "sigmoid", "samples": samples}
    with open(path, "w") as f:
        json.dump(doc, f)
        f.write("\n")
    print("  %s: %d bytes" % (os.path.basename(path), os.path.getsize(path)))


def predict(model, x, bs=256):
    model.eval()
    with torch.no_grad():
        return np.concatenate([model(torch.as_tensor(x[i:i + bs])).numpy()[:, 0]
                               for i in range(0, len(x), bs)])


def main():
    common.setup(SEED)
    d = Discretizer()
    groups = [d.groups[v] for v in d.variables]
    t0 = time.time()
    stats = mimic_cohort.estimate_stats()
    xtr, ytr, _ = mimic_cohort.make_cohort(N_TRAIN, SEED, stats, d)
    xte, yte, tte = mimic_cohort.make_cohort(N_HELDOUT, mimic_cohort.HELDOUT_SEED, stats, d)
    print("cohort: %d train (%.0f%% died), %d held-out (%.0f%% died), %.1f s"
          % (len(ytr), 100 * ytr.mean(), len(yte), 100 * yte.mean(), time.time() - t0))
    demo_dir = os.path.join(CLINICAL_DIR, "demo-test")
    demo = read_listfile(demo_dir)
    xdemo = np.stack([d.transform_file(os.path.join(demo_dir, f)) for f, _ in demo]).astype(np.float32)
    ydemo = np.array([y for _, y in demo])

    model = BlockChannelwise(groups)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    xt, yt = torch.from_numpy(xtr), torch.from_numpy(ytr.astype(np.float32))
    g = torch.Generator().manual_seed(SEED)
    for epoch in range(EPOCHS):
        model.train()
        perm = torch.randperm(len(xt), generator=g)
        tot = 0.0
        for b in range(0, len(xt), 64):
            idx = perm[b:b + 64]
            opt.zero_grad()
            loss = nn.functional.binary_cross_entropy_with_logits(model(xt[idx])[:, 0], yt[idx])
            loss.backward()
            opt.step()
            tot += loss.item() * len(idx)
        auc = common.auroc(predict(model, xte), yte)
        print("  epoch %d loss %.4f held-out AUROC %.4f (%.0f s)"
              % (epoch, tot / len(xt), auc, time.time() - t0))
    model.eval()
    off = sum(float(((1 - m) * getattr(model.lstm1, n)).abs().sum())
              for n, m in (("weight_ih_l0", model.mask_ih), ("weight_hh_l0", model.mask_hh),
                           ("weight_ih_l0_reverse", model.mask_ih),
                           ("weight_hh_l0_reverse", model.mask_hh)))
    assert off == 0.0, "off-block weights moved: %g" % off
    s_te, s_demo = predict(model, xte), predict(model, xdemo)
    auc_te, auc_demo = common.auroc(s_te, yte), common.auroc(s_demo, ydemo)
    acc_te = float(((s_te >= 0) == (yte == 1)).mean())
    print("%s: held-out synthetic AUROC %.4f (accuracy %.4f, n=%d); real demo test AUROC %.4f "
          "(n=%d, %d died); demo probabilities %s"
          % (NAME, auc_te, acc_te, len(yte), auc_demo, len(ydemo), int(ydemo.sum()),
             np.round(1 / (1 + np.exp(-s_demo)), 3).tolist()))

    m17 = Channelwise17.from_block(model, groups)
    check_equal(model, m17, xte[:16])
    out = common.model_dir(NAME)
    fwd_ops = common.export_forward(m17, torch.from_numpy(xte[:2]), os.path.join(out, NAME + ".onnx"))
    if "LSTM" not in fwd_ops:
        raise RuntimeError("forward ONNX lost the LSTM ops: %s" % fwd_ops)
    import onnx
    n_lstm = sum(1 for n in onnx.load(os.path.join(out, NAME + ".onnx")).graph.node
                 if n.op_type == "LSTM")
    print("  forward ONNX: %d LSTM ops" % n_lstm)
    grad_ok = True
    try:
        common.export_grad(model, torch.from_numpy(xte[:GRAD_BATCH]), 1,
                           os.path.join(out, NAME + ".grad.onnx"), batch=GRAD_BATCH)
        size = os.path.getsize(os.path.join(out, NAME + ".grad.onnx"))
        if size > 8 << 20:
            raise RuntimeError("gradient graph is %d bytes > 8 MB" % size)
    except Exception as e:  # explain4j can build gradient graphs in Java
        grad_ok = False
        print("  gradient graph skipped: %s" % e)
        p = os.path.join(out, NAME + ".grad.onnx")
        if os.path.exists(p):
            os.remove(p)
    pt = common.export_torchscript(m17, torch.from_numpy(xte[:2]), os.path.join(out, NAME + ".pt"),
                                   max_bytes=2 << 20)

    # golden samples: 3 committed synthetic held-out CSVs + 2 real demo test episodes
    syn_dir = os.path.join(CLINICAL_DIR, "synthetic")
    with open(os.path.join(syn_dir, "truth.json")) as f:
        syn_truth = json.load(f)["episodes"]
    pick = [next(t for t in syn_truth if t["kind"] == "died"),
            next(t for t in syn_truth if t["kind"] in ("late_gcs_only", "late_sbp_only")),
            next(t for t in syn_truth if t["kind"] == "none")]
    files = [os.path.join(syn_dir, t["file"]) for t in pick]
    files += [os.path.join(demo_dir, "10011_episode1_timeseries.csv"),
              os.path.join(demo_dir, "10026_episode1_timeseries.csv")]
    xg = np.stack([d.transform_file(f) for f in files])
    golden_sigmoid(m17, xg, os.path.join(common.GOLDEN_DIR, NAME + ".golden.json"))
    common.save_npy(os.path.join(out, NAME + ".example.npy"), xg[:4])
    truth_samples = []
    for i, f in enumerate(files):
        if i < 3:
            t = pick[i]
            mask = np.zeros((48, 76), dtype=np.int8)
            for hb, v in t["cells"]:
                mask[hb, groups[v]] = 1
            truth_samples.append({"file": "clinical/synthetic/" + t["file"], "died": t["label"],
                                  "kind": t["kind"], "cells": t["cells"],
                                  "related_cells": t["related_cells"],
                                  "mask": [int(v) for v in mask.reshape(-1)]})
        else:
            name = os.path.basename(f)
            truth_samples.append({"file": "clinical/demo-test/" + name,
                                  "died": dict(demo)[name], "kind": "real_demo", "cells": None,
                                  "related_cells": None, "mask": None})
    with open(os.path.join(out, NAME + ".truth.json"), "w") as f:
        json.dump({"description": "ground truth for the 5 golden samples (same order; the "
                                  "example .npy holds the first 4). Synthetic: label 1 iff GCS "
                                  "total falls >= 5 to 3..8 from an onset in [36,44] AND systolic "
                                  "BP < 90 from an onset in [38,45]; cells [hour_bin, variable] "
                                  "(variable index into the sidecar's variables); mask = flat "
                                  "[48,76] 0/1 over all columns of the cells' variables. Real "
                                  "demo episodes: died in hospital only, mask null (cause "
                                  "unknown). 'died' rather than 'label': the model has one "
                                  "sigmoid output (class 0), so a label would not name the "
                                  "explained class.",
                   "samples": truth_samples}, f, separators=(",", ":"))
        f.write("\n")

    metrics = {"heldout_synthetic_auroc": auc_te, "heldout_synthetic_accuracy": acc_te,
               "heldout_synthetic_n": int(len(yte)), "demo_test_auroc": auc_demo,
               "demo_test_n": int(len(ydemo)), "demo_test_died": int(ydemo.sum()),
               "epochs": EPOCHS}
    path = common.write_sidecar(
        NAME, "Channel-wise LSTM (mimic3-benchmarks in-hospital mortality; 17 per-variable "
              "Bi-LSTM(4) on value/one-hot + mask columns, concat 136, LSTM(32), dropout 0.3, "
              "dense(1)); output = logit, sigmoid gives P(death); standard sigmoid LSTM gates (not "
              "Keras hard_sigmoid); trained on a synthetic cohort with a known mechanism",
        [48, 76], "time_features", d.columns, ["mortality"], pt,
        "models-onnx/python/train_channelwise_lstm.py",
        "synthetic cohort (models-onnx/python/mimic_cohort.py: 3000 train seed 0, 300 held-out "
        "seed 1; statistics from the 47 MIMIC-III demo train episodes); evaluated also on the 11 "
        "real MIMIC-III demo test episodes (clinical/demo-test)",
        SEED, metrics,
        "model and synthetic data: explain4j project (project license); discretizer config and "
        "normalizer: YerevaNN/mimic3-benchmarks (MIT); demo episodes: MIMIC-III Clinical Database "
        "Demo v1.4 (ODbL 1.0)", activation="sigmoid", batch=GRAD_BATCH)
    with open(path) as f:
        doc = json.load(f)
    if not grad_ok:
        doc["gradient"] = None
    doc["variables"] = d.variables
    doc["column_groups"] = {v: d.groups[v] for v in d.variables}
    doc["mask_columns"] = d.mask_columns
    doc["discretizer"] = {"config": "explain4j/clinical/discretizer_config.json",
                          "normalizer": "explain4j/clinical/ihm_ts1.0.normalizer.csv",
                          "timestep_hours": 1.0, "bins": 48, "impute": "previous, else normal value"}
    with open(path, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    print("done in %.0f s" % (time.time() - t0))


if __name__ == "__main__":
    main()
