"""breast_cancer_mlp: MLP on the Wisconsin Diagnostic Breast Cancer data (569 x 30).

Data: explain4j/data/breast_cancer.csv (copy of the scikit-learn bundled file; first line is the
header "569,30,malignant,benign", then 30 raw features + label, 0 = malignant, 1 = benign).

Model: input x [N,30] RAW features -> (x - mean) / std with the train-split mean/std baked in
as constants -> Linear(30,32) -> ReLU -> Linear(32,16) -> ReLU -> Linear(16,2) -> logits y [N,2]
(softmax classes ["malignant", "benign"]).

Training (seed 0, deterministic): stratified 80/20 split (numpy RandomState(0) permutation per
class, first 20% of each class to test), Adam lr 3e-3, weight decay (L2) 1e-2, 150 full-batch
epochs of cross-entropy (chosen for calibrated, non-saturated probabilities). Metrics on the test split: accuracy and AUROC (Mann-Whitney, in numpy) of the
benign softmax probability.

Writes models/breast_cancer_mlp/{.onnx,.grad.onnx,.pt,.json}, golden/breast_cancer_mlp.golden.json
(K = 5 real test rows: the least confident
test row, then the first two malignant and first two benign test rows), data/breast_cancer.features.txt.
Run from the repository root: /usr/bin/python3 models-onnx/python/train_mlp_breast_cancer.py
"""
import os
import shutil

import numpy as np
import torch
import torch.nn as nn

import common

NAME = "breast_cancer_mlp"
SEED = 0
SRC = "/work/shared/data/tabular/breast_cancer.csv"
FEATURES = [
    "mean radius", "mean texture", "mean perimeter", "mean area", "mean smoothness",
    "mean compactness", "mean concavity", "mean concave points", "mean symmetry",
    "mean fractal dimension",
    "radius error", "texture error", "perimeter error", "area error", "smoothness error",
    "compactness error", "concavity error", "concave points error", "symmetry error",
    "fractal dimension error",
    "worst radius", "worst texture", "worst perimeter", "worst area", "worst smoothness",
    "worst compactness", "worst concavity", "worst concave points", "worst symmetry",
    "worst fractal dimension",
]
CLASSES = ["malignant", "benign"]


class StandardizedMLP(nn.Module):
    def __init__(self, mean, std):
        super().__init__()
        self.register_buffer("mean", torch.as_tensor(mean, dtype=torch.float32))
        self.register_buffer("std", torch.as_tensor(std, dtype=torch.float32))
        self.net = nn.Sequential(nn.Linear(30, 32), nn.ReLU(), nn.Linear(32, 16), nn.ReLU(),
                                 nn.Linear(16, 2))

    def forward(self, x):
        return self.net((x - self.mean) / self.std)


def load_data():
    csv = os.path.join(common.DATA_DIR, "breast_cancer.csv")
    if not os.path.exists(csv):
        os.makedirs(common.DATA_DIR, exist_ok=True)
        shutil.copyfile(SRC, csv)
    with open(os.path.join(common.DATA_DIR, "breast_cancer.features.txt"), "w") as f:
        f.write("".join(n + "\n" for n in FEATURES))
    arr = np.loadtxt(csv, delimiter=",", skiprows=1, dtype=np.float64)
    assert arr.shape == (569, 31), arr.shape
    return arr[:, :30], arr[:, 30].astype(np.int64)


def stratified_split(y, test_frac=0.2, seed=SEED):
    rs = np.random.RandomState(seed)
    tr, te = [], []
    for c in np.unique(y):
        idx = rs.permutation(np.flatnonzero(y == c))
        k = int(round(test_frac * len(idx)))
        te.extend(idx[:k])
        tr.extend(idx[k:])
    return np.sort(np.array(tr)), np.sort(np.array(te))


def main():
    common.setup(SEED)
    X, y = load_data()
    tr, te = stratified_split(y)
    mean, std = X[tr].mean(0), X[tr].std(0)
    model = StandardizedMLP(mean, std)
    xt = torch.tensor(X[tr], dtype=torch.float32)
    yt = torch.tensor(y[tr])
    opt = torch.optim.Adam(model.parameters(), lr=3e-3, weight_decay=1e-2)
    for epoch in range(150):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(xt), yt)
        loss.backward()
        opt.step()
    model.eval()
    with torch.no_grad():
        logits = model(torch.tensor(X[te], dtype=torch.float32))
        p = torch.softmax(logits, 1)[:, 1].numpy()
    acc = float((logits.argmax(1).numpy() == y[te]).mean())
    auc = common.auroc(p, y[te] == 1)
    print("%s: train %d test %d, final loss %.4f, test accuracy %.4f, test AUROC %.4f"
          % (NAME, len(tr), len(te), loss.item(), acc, auc))

    # exports: gradient graph traced on the first 32 test rows
    ex = torch.tensor(X[te[:common.GRAD_BATCH]], dtype=torch.float32)
    _, _, pt = common.all_exports(model, NAME, ex, 2)
    # golden: 5 real test rows: the least confident one, then 2 malignant + 2 benign
    hard = te[int(np.argmin(np.abs(p - 0.5)))]
    pick = [hard] + [i for i in te[y[te] == 0] if i != hard][:2] \
        + [i for i in te[y[te] == 1] if i != hard][:2]
    common.golden(model, NAME, X[pick], os.path.join(common.GOLDEN_DIR, NAME + ".golden.json"))
    common.write_sidecar(
        NAME, "MLP 30-32-16-2 (ReLU) on raw Wisconsin diagnostic breast cancer features; "
              "standardisation built in",
        [30], "features", FEATURES, CLASSES, pt,
        "models-onnx/python/train_mlp_breast_cancer.py", "explain4j/data/breast_cancer.csv",
        SEED, {"test_accuracy": acc, "test_auroc": auc},
        "model: trained by the explain4j project (project license); data: UCI Wisconsin "
        "Diagnostic Breast Cancer as bundled with scikit-learn, BSD-3-Clause "
        "(see models-onnx/NOTICE-data.md)")
    common.update_index()


if __name__ == "__main__":
    main()
