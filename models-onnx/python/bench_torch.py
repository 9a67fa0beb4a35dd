"""PyTorch 1.13 CPU baseline timings for the reference models (the number to beat on the JVM).

For each model in models/index.txt the eager model is rebuilt from its TorchScript file's state
dict (float32, eval mode, torch.set_num_threads(2)) and timed on real inputs (the golden samples,
tiled):
  (a) saliency: gradient of the predicted logit w.r.t. the input for a batch of 32 samples
      (one forward + one backward per call) -> explanations/second = 32 / median call time;
  (b) IG, 50 steps riemann_middle, zero baseline, for ONE sample with all 50 interpolated
      inputs in one batch (forward + backward + weighted sum) -> explanations/second =
      1 / median call time.
Each measurement: 10 warm-up calls, then at least 20 timed calls and at least 2 s; median.
The machine may be shared: ``loadavg_1m`` is recorded with each result, and the fastest call
(``*_best_ms``) next to the median. With 2 intra-op threads, a loaded machine (load average above
~1 on 2 cores) can slow the median down many times over (threads wait on each other): compare
only runs taken at a low load; ``--rounds R`` repeats each measurement R times and keeps the
round with the lowest median.
Prints one JSON object per model; ``--out file.json`` also writes them as a JSON array.

Run from the repository root:
  /usr/bin/python3 models-onnx/python/bench_torch.py --out models-onnx/python/bench_torch.out.json
"""
import argparse
import json
import os
import platform
import statistics
import time

import numpy as np
import torch

import common
from train_bilstm_synthetic import BiLstm
from train_cnn1d_synthetic import Cnn1d
from train_mlp_breast_cancer import StandardizedMLP

BUILDERS = {
    "breast_cancer_mlp": lambda: StandardizedMLP(np.zeros(30), np.ones(30)),
    "synthetic_cnn1d": Cnn1d,
    "synthetic_bilstm": BiLstm,
}


def load(name):
    """(model, inputs, kind): the eager model rebuilt from the TorchScript state dict where this
    script knows its class, else the TorchScript module itself (autograd runs through it too);
    inputs are the golden samples (the golden JSON's x, or the example .npy of models whose golden
    values are .npy arrays)."""
    ts = torch.jit.load(os.path.join(common.MODELS_DIR, name, name + ".pt"))
    if name in BUILDERS:
        model, kind = BUILDERS[name](), "eager"
        model.load_state_dict(ts.state_dict())
    else:
        model, kind = ts, "torchscript"
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)
    golden = os.path.join(common.GOLDEN_DIR, name + ".golden.json")
    if os.path.exists(golden):
        with open(golden) as f:
            g = json.load(f)
        xs = torch.tensor([s["x"] for s in g["samples"]], dtype=torch.float32)
        return model, xs.reshape([len(g["samples"])] + g["input_shape"]), kind
    example = np.load(os.path.join(common.MODELS_DIR, name, name + ".example.npy"))
    return model, torch.from_numpy(np.ascontiguousarray(example, dtype=np.float32)), kind


def timeit(fn, warmup=10, min_calls=20, min_seconds=2.0):
    for _ in range(warmup):
        fn()
    times = []
    start = time.perf_counter()
    while len(times) < min_calls or time.perf_counter() - start < min_seconds:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), min(times), len(times)


def saliency(model, x):
    x = x.detach().requires_grad_(True)
    y = model(x)
    pred = y.argmax(1, keepdim=True)
    (g,) = torch.autograd.grad(y.gather(1, pred).sum(), x)
    return g


def ig50(model, x):
    alphas, weights = common.ig_nodes("riemann_middle", 50)
    a = torch.tensor(alphas, dtype=x.dtype).reshape([-1] + [1] * x.dim())
    w = torch.tensor(weights, dtype=x.dtype).reshape([-1] + [1] * x.dim())
    with torch.no_grad():
        target = int(model(x.unsqueeze(0)).argmax(1))
    pts = (a * x.unsqueeze(0)).requires_grad_(True)
    y = model(pts)
    (g,) = torch.autograd.grad(y[:, target].sum(), pts)
    return x * (w * g).sum(0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", help="also write the results as a JSON array to this file")
    ap.add_argument("--rounds", type=int, default=1,
                    help="repeat each measurement and keep the round with the lowest median")
    ap.add_argument("models", nargs="*")
    args = ap.parse_args()
    torch.set_num_threads(2)
    names = args.models or open(os.path.join(common.MODELS_DIR, "index.txt")).read().split()
    results = []
    for name in names:
        model, xs, kind = load(name)
        batch = xs.repeat([(32 + len(xs) - 1) // len(xs)] + [1] * (xs.dim() - 1))[:32]
        t_sal, b_sal, n_sal = min(timeit(lambda: saliency(model, batch))
                                  for _ in range(args.rounds))
        t_ig, b_ig, n_ig = min(timeit(lambda: ig50(model, xs[0])) for _ in range(args.rounds))
        r = {"model": name, "module": kind, "saliency_per_s": 32.0 / t_sal, "ig50_per_s": 1.0 / t_ig,
             "saliency_batch": 32, "saliency_median_ms": 1e3 * t_sal, "ig50_median_ms": 1e3 * t_ig,
             "saliency_best_ms": 1e3 * b_sal, "ig50_best_ms": 1e3 * b_ig,
             "calls": [n_sal, n_ig], "rounds": args.rounds, "torch": torch.__version__, "threads": 2,
             "dtype": "float32", "cpu": platform.processor() or platform.machine(),
             "loadavg_1m": os.getloadavg()[0]}
        print(json.dumps(r), flush=True)
        results.append(r)
    if args.out:
        with open(args.out, "w") as f:
            json.dump(results, f, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
